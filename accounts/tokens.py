"""How a mobile session token (allauth headless, `X-Session-Token`) finds its session."""

from allauth.headless.internal import sessionkit
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy as AllauthSessionTokenStrategy
from django.contrib.sessions.backends.base import SessionBase


class SessionTokenStrategy(AllauthSessionTokenStrategy):
    """allauth's strategy (the token is the session key), with one read per lookup.

    allauth's own `lookup_session` asks the store whether the key exists and
    then loads it: two reads on every API request. Loading alone answers both
    questions, since a missing or expired session comes back without a key;
    allauth's JWT strategy looks sessions up the same way.
    """

    def lookup_session(self, session_token: str) -> SessionBase | None:
        return sessionkit.lookup_session(session_token)
