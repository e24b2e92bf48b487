"""Sign-in throttling as revision 2 of the contract says (NIST SP 800-63B §5.2.2), through
nginx and, for IPv6 sources, FastCGI records written to latch-authorize's socket: consecutive
failures per account count across minutes and slow it down exponentially (at most 100, then
hours or an admin), the owner's last address is never locked out by a burst from elsewhere,
the right password during a wait is refused exactly like a wrong one, failures per address
(IPv6: per /64) are limited per minute, and accounts are named by a keyed hash.

Time never decides a test: a wait that "has passed" is set so in the database."""
import hashlib
import hmac
import os
import time
import secrets
from urllib.parse import urlencode

import pytest

from authflow import Browser, loopback_address, make_user, unique
from fastcgiclient import unix_request


@pytest.fixture(scope="module")
def throttled(make_stack):
    return make_stack({"LATCH_SIGNIN_FAILURE_LIMIT": "3"})


def attempt(stack, name, password, address=None):
    """One sign-in from `address` (a fresh random loopback address by default, so the
    per-address limit of 3 never applies)."""
    browser = Browser(stack, address or loopback_address())
    r = browser.sign_in(name, password)
    r.signed_in = "latch_session" in browser.session.cookies
    return r


def row(stack, name):
    """(failures, seconds left to wait, owner failures, owner address) of the account's row."""
    key = _hmac(stack, name)
    rows = stack.psql(f"SELECT failures, ceil(extract(epoch FROM greatest(wait_until, now()) - now()))::int, owner_failures, "
                      f"coalesce(owner_address, '') FROM signin_throttle WHERE account_key = '\\x{key}'")
    return tuple(int(v) if i != 3 else v for i, v in enumerate(rows[0])) if rows else None


def _hmac(stack, name):
    key = bytes.fromhex(stack.scalar("SELECT encode(key, 'hex') FROM signin_key"))
    return hmac.new(key, name.encode(), hashlib.sha256).hexdigest()


def let_waits_pass(stack, name):
    """Stands in for the clock: every wait of the account is over."""
    stack.psql(f"UPDATE signin_throttle SET wait_until = '-infinity', owner_wait_until = '-infinity' "
               f"WHERE account_key = '\\x{_hmac(stack, name)}'")


def test_consecutive_failures_slow_the_account_down_exponentially_across_minutes(throttled):
    s = throttled
    name, _ = make_user(s)
    for n in range(1, 5):
        assert attempt(s, name, "wrong").status_code == 403
        failures, left, _, _ = row(s, name)
        assert failures == n and left <= 0                      # the first four are free
    for n, delay in [(5, 1), (6, 2), (7, 4), (8, 8), (9, 16), (10, 32)]:
        let_waits_pass(s, name)
        # Minutes later still consecutive: the count is not a per-minute window.
        s.psql(f"UPDATE signin_throttle SET updated_at = now() - interval '10 minutes' WHERE account_key = '\\x{_hmac(s, name)}'")
        assert attempt(s, name, "wrong").status_code == 403
        failures, left, _, _ = row(s, name)
        assert failures == n
        assert delay - 1 <= left <= delay + 1


def test_the_right_password_during_a_wait_is_refused_exactly_like_a_wrong_one(throttled):
    s = throttled
    name, password = make_user(s)
    for _ in range(10):
        let_waits_pass(s, name)
        assert attempt(s, name, "wrong").status_code == 403
    assert row(s, name)[1] >= 30            # now waiting 32 seconds
    right, wrong = attempt(s, name, password), attempt(s, name, "wrong")
    assert (right.status_code, wrong.status_code) == (429, 429)
    assert right.text == wrong.text and "Too many" in right.text
    assert int(right.headers["Retry-After"]) >= 25
    assert not right.signed_in and not wrong.signed_in
    # Once the wait is over the right password works, and resets the count.
    let_waits_pass(s, name)
    r = attempt(s, name, password)
    assert r.status_code == 303 and r.signed_in
    assert row(s, name)[0] == 0


def test_at_most_100_consecutive_failures_then_hours_or_an_admin(throttled):
    s = throttled
    name, password = make_user(s)
    assert attempt(s, name, "wrong").status_code == 403
    s.psql(f"UPDATE signin_throttle SET failures = 99, wait_until = '-infinity' WHERE account_key = '\\x{_hmac(s, name)}'")
    assert attempt(s, name, "wrong").status_code == 403          # the 100th
    assert row(s, name)[1] >= 23 * 3600
    r = attempt(s, name, password)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 23 * 3600 and not r.signed_in
    s.latchctl("user", "unlock", name)
    user_id = s.scalar(f"SELECT id FROM users WHERE username = '{name}'")
    assert s.psql(f"SELECT event, actor, detail->>'signin' FROM audit_events WHERE user_id = {user_id} "
                  f"AND event = 'user.updated'") == [["user.updated", "latchctl", "unlocked"]]
    r = attempt(s, name, password)
    assert r.status_code == 303 and r.signed_in


def test_a_burst_from_elsewhere_never_locks_the_owner_out_of_their_address(throttled):
    s = throttled
    name, password = make_user(s)
    home = loopback_address()
    assert attempt(s, name, password, home).status_code == 303
    assert row(s, name)[3] == home
    # An attacker spreads 30 guesses over many addresses (some refused by the waits).
    for _ in range(30):
        assert attempt(s, name, "guess-" + secrets.token_hex(4)).status_code in (403, 429)
    assert row(s, name)[0] >= 5
    # From yet another address the account waits …
    elsewhere = attempt(s, name, password)
    assert elsewhere.status_code == 429 and not elsewhere.signed_in
    # … but its owner, at home, signs in at once.
    r = attempt(s, name, password, home)
    assert r.status_code == 303 and r.signed_in


def test_accounts_are_named_by_a_keyed_hash_not_a_plain_sha256(throttled):
    s = throttled
    name = unique("typed-password-by-mistake")
    assert attempt(s, name, "wrong").status_code == 403
    plain = hashlib.sha256(name.encode()).hexdigest()
    assert s.scalar(f"SELECT count(*) FROM rate_limits WHERE bucket LIKE '%{plain[:32]}%'") == "0"
    assert s.scalar(f"SELECT count(*) FROM signin_throttle WHERE encode(account_key, 'hex') = '{plain}'") == "0"
    assert s.scalar(f"SELECT count(*) FROM signin_throttle WHERE account_key = '\\x{_hmac(s, name)}'") == "1"
    assert len(bytes.fromhex(s.scalar("SELECT encode(key, 'hex') FROM signin_key"))) == 32


def post_login(stack, address, username, password):
    """POST /login straight to latch-authorize's socket with REMOTE_ADDR = address (IPv6 cannot
    reach the test nginx, which listens on 127.0.0.1)."""
    csrf = secrets.token_urlsafe(32)[:43]
    body = urlencode({"username": username, "password": password, "csrf_token": csrf, "next": "/"}).encode()
    return unix_request(os.path.join(stack.dir, "run", "latch-authorize.sock"), "POST", "/login", body=body,
                        remote_addr=address, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                      "Cookie": f"latch_login_csrf={csrf}"})


def within_one_minute_window(stack):
    """The per-address limiter counts per calendar minute: start a sequence early in one."""
    second = float(stack.scalar("SELECT extract(second FROM now())"))
    if second > 40:
        time.sleep(61 - second)


def test_failures_per_ipv6_address_count_by_the_64(throttled):
    s = throttled
    within_one_minute_window(s)
    prefix = f"2001:db8:{secrets.randbelow(65535):x}:{secrets.randbelow(65535):x}"
    for host in ["::1", "::2", ":ffff:1:2:3"]:
        assert post_login(s, prefix + host, unique("nobody"), "wrong").status == 403
    r = post_login(s, prefix + ":9:9:9:9", unique("nobody"), "wrong")
    assert r.status == 429 and r.header("retry-after")
    # The next /64 is someone else.
    other = prefix.rsplit(":", 1)[0] + f":{(int(prefix.rsplit(':', 1)[1], 16) + 1) % 65536:x}"
    assert post_login(s, other + "::1", unique("nobody"), "wrong").status == 403


def test_the_purge_forgets_accounts_untouched_for_30_days_but_not_running_waits(throttled):
    s = throttled
    idle, _ = make_user(s)
    waiting, _ = make_user(s)
    recent, _ = make_user(s)
    for name in (idle, waiting, recent):
        for _ in range(5):
            attempt(s, name, "wrong")
    let_waits_pass(s, idle)
    s.psql(f"UPDATE signin_throttle SET updated_at = now() - interval '31 days' "
           f"WHERE account_key IN ('\\x{_hmac(s, idle)}', '\\x{_hmac(s, waiting)}')")
    s.psql(f"UPDATE signin_throttle SET wait_until = now() + interval '1 hour' WHERE account_key = '\\x{_hmac(s, waiting)}'")
    result = s.latchctl_json("purge")
    assert result["signin_throttle"]["deleted"] >= 1
    assert row(s, idle) is None                          # 30 idle days: forgotten
    assert row(s, waiting) is not None                   # a wait still running is kept
    assert row(s, recent) is not None                    # recent failures are kept
