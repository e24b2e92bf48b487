"""The benchmark paths, in the order bench/run measures them. Each module is one path:
its data preparation, and the names of its wrk Lua script (bench/lua/) and pgbench script
of the same SQL (bench/sql/). check_replica is check's request against a second latch-tokens
pool that reads from a hot standby bench/run makes for it (check_replica.py)."""
from .authorize_exchange import AuthorizeExchange, MetadataAuthorizeExchange
from .check import Check
from .check_replica import CheckReplica
from .client_credentials import ClientCredentials
from .discovery import Discovery, DiscoveryUncached
from .exchange import Exchange
from .exchange_openid import ExchangeOpenID, ExchangeOpenIDES256
from .introspect import Introspect
from .refresh import Refresh
from .userinfo import UserInfo

ALL = [Discovery(), DiscoveryUncached(), Exchange(), ExchangeOpenID(), ExchangeOpenIDES256(), Refresh(), ClientCredentials(),
       Introspect(), Check(), CheckReplica(), UserInfo(), AuthorizeExchange(), MetadataAuthorizeExchange()]
BY_NAME = {path.name: path for path in ALL}
