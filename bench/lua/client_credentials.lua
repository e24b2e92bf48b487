-- Path 4: POST /oauth2/tokens, grant_type=client_credentials, client_secret_basic.
-- Every request is the same, so it is wrk's static request: no Lua per request.
-- The body is the data file's only line (bench/paths/client_credentials.py).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
setup = common.setup
done = common.done

function init(args)
    wrk.method = "POST"
    wrk.path = "/oauth2/tokens"
    wrk.body = io.lines(args[1])()
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["Authorization"] = args[3]
end
