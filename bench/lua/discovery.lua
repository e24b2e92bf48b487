-- Path 1: GET /.well-known/oauth-authorization-server (the URL wrk is given). No request
-- function: wrk sends its one static request, so Lua costs nothing per request.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
setup = common.setup
done = common.done
