-- Path 5b: GET /oauth2/check with Authorization: Bearer <access token>, as nginx
-- auth_request sends it. Each line of the data file is one pre-minted live access token;
-- the check does not change the token, so the list is cycled. The request goes to the URL's
-- path (wrk.path): /oauth2/check, or /bench/check-replica for check_replica (same request,
-- the pool that reads from the standby).
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
