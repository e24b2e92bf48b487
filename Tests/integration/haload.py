"""A mixed client load for the failover scenarios (issue 17): code exchanges, refreshes,
client_credentials and gate checks, each client retrying the SAME credential after a 503 or no
answer, as the issue's drill did. Every request records what came back and when; bounded by
the caller's deadline."""
import threading
import time
from dataclasses import dataclass, field

import requests

from tokenfactory import TokenFactory

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"   # RFC 7636 appendix B; TokenFactory.code's challenge


@dataclass
class Call:
    op: str
    credential: str
    started: float
    finished: float
    status: int          # 0: no answer within the client's deadline
    error: str = None
    description: str = None
    retry: bool = False  # the same credential was sent before and got 503 or no answer
    body: dict = field(default_factory=dict)


class MixedLoad:
    def __init__(self, stack, client_deadline, chains=4, codes=60):
        self.stack = stack
        self.deadline = client_deadline
        f = TokenFactory(stack)
        self.app = f.app()
        self.cc_app = f.app(client_credentials=True)
        self.user_id, _ = f.user()
        self.codes = [f.code(self.app, self.user_id).value for _ in range(codes)]
        self.chains = [f.tokens(self.app, self.user_id) for _ in range(chains)]
        self.check_token = self.chains[0].access
        self.calls = []
        self.lock = threading.Lock()
        self.stop_at = 0

    def send(self, op, credential, retry, **kw):
        started = time.time()
        try:
            r = requests.request(kw.pop("method", "POST"), self.stack.url(kw.pop("path", "/oauth2/tokens")),
                                 timeout=self.deadline, allow_redirects=False, **kw)
            status, body = r.status_code, (r.json() if r.headers.get("Content-Type", "").startswith("application/json") and r.content else {})
        except requests.RequestException:
            status, body = 0, {}
        call = Call(op, credential, started, time.time(), status, body.get("error"), body.get("error_description"), retry, body)
        with self.lock:
            self.calls.append(call)
        return call

    def spend(self, op, credential, form):
        """Sends one code or refresh token until it is answered other than 503/no answer."""
        retry = False
        while time.time() < self.stop_at:
            call = self.send(op, credential, retry, data=form, auth=self.app.auth)
            if call.status not in (0, 503):
                return call
            retry = True
            time.sleep(0.1)
        return None

    def code_client(self, codes):
        for code in codes:
            if time.time() >= self.stop_at:
                return
            self.spend("code", code, {"grant_type": "authorization_code", "code": code, "code_verifier": VERIFIER,
                                      "redirect_uri": "https://app.example/cb"})

    def refresh_client(self, chain):
        token = chain.refresh
        while time.time() < self.stop_at:
            call = self.spend("refresh", token, {"grant_type": "refresh_token", "refresh_token": token})
            if call is None or call.status != 200:
                return
            token = call.body["refresh_token"]
            chain.refresh, chain.access = token, call.body["access_token"]

    def cc_client(self):
        while time.time() < self.stop_at:
            call = self.send("client_credentials", "", False, data={"grant_type": "client_credentials"}, auth=self.cc_app.auth)
            if call.status in (0, 503):
                time.sleep(0.1)

    def check_client(self):
        while time.time() < self.stop_at:
            call = self.send("check", self.check_token, False, method="GET", path="/oauth2/check",
                             headers={"Authorization": f"Bearer {self.check_token}"})
            if call.status in (0, 503):
                time.sleep(0.1)

    def run(self, seconds, events):
        """Runs the load for `seconds`; `events` is [(at_seconds, name, function)], run in order by
        the caller's thread. Returns {name: (started, done)} of the events."""
        start = time.time()
        self.start = start
        self.stop_at = start + seconds
        half = len(self.codes) // 2
        threads = [threading.Thread(target=self.code_client, args=(self.codes[:half],)),
                   threading.Thread(target=self.code_client, args=(self.codes[half:],)),
                   threading.Thread(target=self.cc_client), threading.Thread(target=self.check_client)]
        threads += [threading.Thread(target=self.refresh_client, args=(c,)) for c in self.chains[1:]]
        for t in threads:
            t.start()
        happened = {}
        for at, name, event in events:
            time.sleep(max(0.0, start + at - time.time()))
            began = time.time()
            event()
            happened[name] = (began, time.time())   # when it was started and when it was done
        for t in threads:
            t.join(timeout=seconds + self.deadline * 3 + 10)
        return happened

    # -- what the calls say -----------------------------------------------------------
    def statuses(self):
        counts = {}
        for c in self.calls:
            counts[c.status] = counts.get(c.status, 0) + 1
        return dict(sorted(counts.items()))

    def successes_per_credential(self, op):
        counts = {}
        for c in self.calls:
            if c.op == op and c.status == 200:
                counts[c.credential] = counts.get(c.credential, 0) + 1
        return counts

    def replays_after_retry(self, since=0.0, until=float("inf")):
        """Retries answered `invalid_grant`: an earlier send had committed though its answer was
        lost. With `since`/`until`: only credentials whose every earlier send started in that
        window (a send in flight at the fault may have committed just before it: an ambiguous
        commit, counted apart)."""
        replays = []
        for c in self.calls:
            if c.retry and c.status == 400 and c.error == "invalid_grant":
                earlier = [e for e in self.calls if e.credential == c.credential and e.started < c.started]
                if all(since <= e.started < until for e in earlier):
                    replays.append(c)
        return replays

    def first_write_success_after(self, moment):
        times = [c.finished for c in self.calls if c.op != "check" and c.status == 200 and c.started >= moment]
        return min(times) - moment if times else None

    def issued(self, op):
        """Every access token latch answered with (200 from the token endpoint) to `op`."""
        return [c.body["access_token"] for c in self.calls if c.op == op and c.status == 200]
