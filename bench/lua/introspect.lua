-- Path 5a: POST /oauth2/introspect, client_secret_basic (the calling resource server is
-- bench-app). Each line of the data file is one form body naming a pre-minted live access
-- token; introspection does not change the token, so the list is cycled.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
setup = common.setup
done = common.done

local next_body, headers
function init(args)
    local bodies, authorization = common.load(args)
    next_body = common.cycle(bodies)
    headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = authorization }
end

function request()
    return wrk.format("POST", "/oauth2/introspect", headers, next_body())
end
