-- Paths 5b and 5c: GET with Authorization: Bearer <access token> to the URL's path (wrk.path):
-- /oauth2/check as nginx auth_request sends it, /bench/check-replica for check_replica (same
-- request, the pool that reads from the standby), /oauth2/userinfo (tokens holding openid;
-- README "OpenID Connect"). Each line of the data file is one pre-minted live access token;
-- neither endpoint changes the token, so the list is cycled.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
setup = common.setup
done = common.done

local next_token
function init(args)
    local tokens = common.load(args)
    next_token = common.cycle(tokens)
end

function request()
    return wrk.format("GET", wrk.path, { ["Authorization"] = "Bearer " .. next_token() })
end
