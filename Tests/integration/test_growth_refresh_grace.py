"""LATCH_REFRESH_REUSE_GRACE (README "Token lifecycle"; README "Cleanup on a schedule"): MCP clients that refresh
concurrently lost their grant. With N > 0, a second use of the just-rotated refresh token by the
same client within N seconds of its rotation gets a fresh pair of its own in the same grant;
any later reuse, or a reuse of an older token, still revokes the grant. With 0 (the default)
every reuse revokes it."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tokenfactory import TokenFactory, access_works, q, refresh


@pytest.fixture(scope="module")
def graced(make_stack):
    return make_stack({"LATCH_REFRESH_REUSE_GRACE": "5"})


def race(stack, app, refresh_token, n=10):
    """n refreshes of one token sent at once; their responses."""
    start = threading.Barrier(n)

    def one(_):
        start.wait()
        return refresh(stack, app, refresh_token)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def revoked(stack, grant_id):
    return stack.scalar(f"SELECT revoked_at IS NOT NULL FROM grants WHERE id = {q(grant_id)}") == "t"


def token_id(value):
    return value.split("_")[1]


def test_without_grace_ten_racing_refreshes_leave_one_winner_and_a_revoked_grant(stack):
    f = TokenFactory(stack)
    app = f.app()
    user_id, _ = f.user()
    pair = f.tokens(app, user_id)
    answers = race(stack, app, pair.refresh)
    assert sorted(r.status_code for r in answers) == [200] + [400] * 9
    assert all(r.json()["error"] == "invalid_grant" for r in answers if r.status_code == 400)
    assert revoked(stack, pair.grant_id)
    winner = next(r for r in answers if r.status_code == 200).json()
    assert not access_works(stack, winner["access_token"])


def test_with_grace_ten_racing_refreshes_all_get_working_pairs_in_the_live_grant(graced):
    s = graced
    f = TokenFactory(s)
    app = f.app()
    user_id, _ = f.user()
    pair = f.tokens(app, user_id)
    answers = race(s, app, pair.refresh)
    assert [r.status_code for r in answers] == [200] * 10, [r.text for r in answers if r.status_code != 200]
    bodies = [r.json() for r in answers]
    assert not revoked(s, pair.grant_id)
    # Ten distinct pairs, all of the same grant, every access token works, every refresh token is live.
    assert len({b["access_token"] for b in bodies}) == 10 and len({b["refresh_token"] for b in bodies}) == 10
    ids = ", ".join(q(token_id(b["refresh_token"])) for b in bodies)
    assert s.psql(f"SELECT DISTINCT grant_id FROM tokens WHERE id IN ({ids})") == [[pair.grant_id]]
    assert all(access_works(s, b["access_token"]) for b in bodies)
    assert all(b["scope"] == "" and b["expires_in"] == 3600 for b in bodies)
    # The old access token went with the first rotation.
    assert not access_works(s, pair.access)
    # Each fresh refresh token rotates normally.
    again = refresh(s, app, bodies[3]["refresh_token"])
    assert again.status_code == 200 and access_works(s, again.json()["access_token"])
    events = s.psql(f"SELECT event, detail->>'reuse_grace' FROM audit_events WHERE detail->>'grant_id' = {q(pair.grant_id)} "
                    f"ORDER BY id")
    assert events.count(["refresh.rotated", "true"]) == 9 and ["refresh.reuse_detected", ""] not in events


def test_a_reuse_after_the_window_still_revokes_the_grant(graced):
    s = graced
    f = TokenFactory(s)
    app = f.app()
    user_id, _ = f.user()
    pair = f.tokens(app, user_id)
    first = refresh(s, app, pair.refresh)
    assert first.status_code == 200
    within = refresh(s, app, pair.refresh)                      # inside the window: its own pair
    assert within.status_code == 200 and not revoked(s, pair.grant_id)
    s.psql(f"UPDATE tokens SET used_at = now() - interval '6 seconds' WHERE id = {q(pair.refresh_id)}")
    late = refresh(s, app, pair.refresh)
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"
    assert revoked(s, pair.grant_id)
    assert not access_works(s, first.json()["access_token"])


def test_a_reuse_of_an_older_token_still_revokes_the_grant(graced):
    s = graced
    f = TokenFactory(s)
    app = f.app()
    user_id, _ = f.user()
    pair = f.tokens(app, user_id)
    first = refresh(s, app, pair.refresh)
    assert first.status_code == 200
    assert refresh(s, app, pair.refresh).status_code == 200     # still the just-rotated one
    second = refresh(s, app, first.json()["refresh_token"])
    assert second.status_code == 200
    # The first token was rotated seconds ago, but a newer one was rotated since: not the just-rotated one.
    old = refresh(s, app, pair.refresh)
    assert old.status_code == 400 and old.json()["error"] == "invalid_grant"
    assert revoked(s, pair.grant_id)


def test_another_clients_reuse_gets_nothing_and_changes_nothing(graced):
    s = graced
    f = TokenFactory(s)
    app, other = f.app(), f.app()
    user_id, _ = f.user()
    pair = f.tokens(app, user_id)
    assert refresh(s, app, pair.refresh).status_code == 200
    r = refresh(s, other, pair.refresh)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert not revoked(s, pair.grant_id)
    assert s.scalar(f"SELECT count(*) FROM tokens WHERE grant_id = {q(pair.grant_id)}") == "4"
    # The owner's reuse inside the window still gets its pair.
    assert refresh(s, app, pair.refresh).status_code == 200 and not revoked(s, pair.grant_id)


def test_the_grace_pair_keeps_a_narrowed_scope_rule(graced):
    s = graced
    f = TokenFactory(s)
    read, write = f.scope(), f.scope()
    app = f.app(scope=f"{read} {write}")
    user_id, _ = f.user()
    pair = f.tokens(app, user_id, scope=f"{read} {write}")
    assert refresh(s, app, pair.refresh).status_code == 200
    narrowed = refresh(s, app, pair.refresh, scope=read)
    assert narrowed.status_code == 200 and narrowed.json()["scope"] == read
    wider = refresh(s, app, pair.refresh, scope=f"{read} nope")
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"
    assert not revoked(s, pair.grant_id)
