-- Path 3: POST /oauth2/tokens, grant_type=refresh_token (rotation), client_secret_basic.
-- Each line of the data file is one form body with a pre-minted, unused refresh token
-- (bench/paths/refresh.py).
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
    return wrk.format("POST", "/oauth2/tokens", headers, next_body())
end
