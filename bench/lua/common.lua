-- Shared by every path's wrk script: per-thread slices of a file of pre-minted request
-- data (one item per line; thread i of n takes lines i+1, i+1+n, ...), so that every
-- request of a write path uses a credential no other request uses, and one JSON line of
-- results ("BENCH_RESULT {...}") that bench/run reads.
--
-- wrk arguments after "--": data file, number of threads, optional Authorization value.
local common = {}

local threads = {}
local thread_count = 0

function common.setup(thread)
    thread:set("thread_index", thread_count)
    thread_count = thread_count + 1
    table.insert(threads, thread)
end

-- Loads this thread's slice of the data file; returns the items and the auth value.
function common.load(args)
    local path, count, authorization = args[1], tonumber(args[2]), args[3]
    local items = {}
    if path and path ~= "" then
        local index = 0
        for line in io.lines(path) do
            if index % count == thread_index then items[#items + 1] = line end
            index = index + 1
        end
    end
    return items, authorization
end

-- An iterator over `items` that counts how often it ran out and started again
-- (a write path that wraps around reuses credentials: its results do not count).
function common.cycle(items)
    local position = 0
    wrapped = 0
    return function()
        position = position + 1
        if position > #items then
            position = 1
            wrapped = wrapped + 1
        end
        return items[position]
    end
end

function common.done(summary, latency, requests)
    local wraps = 0
    for _, thread in ipairs(threads) do wraps = wraps + (tonumber(thread:get("wrapped")) or 0) end
    io.write(string.format(
        'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"status_errors":%d,' ..
        '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
        '"latency_mean_us":%.1f,"latency_p50_us":%d,"latency_p90_us":%d,"latency_p99_us":%d,' ..
        '"latency_max_us":%d,"wrapped":%d}\n',
        summary.requests, summary.duration, summary.bytes, summary.errors.status,
        summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
        latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
        latency.max, wraps))
end

return common
