"""The benchmark paths, in the order bench/run measures them. Each module is one path:
its data preparation, and the names of its wrk Lua script (bench/lua/) and pgbench script
of the same SQL (bench/sql/)."""
from .authorize_exchange import AuthorizeExchange, MetadataAuthorizeExchange
from .check import Check
from .client_credentials import ClientCredentials
from .discovery import Discovery, DiscoveryUncached
from .exchange import Exchange
from .exchange_openid import ExchangeOpenID, ExchangeOpenIDES256
from .introspect import Introspect
from .refresh import Refresh
from .userinfo import UserInfo

ALL = [Discovery(), DiscoveryUncached(), Exchange(), ExchangeOpenID(), ExchangeOpenIDES256(), Refresh(), ClientCredentials(),
       Introspect(), Check(), UserInfo(), AuthorizeExchange(), MetadataAuthorizeExchange()]
BY_NAME = {path.name: path for path in ALL}
