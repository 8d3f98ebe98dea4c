"""Rate limits on password checks outside allauth's own views.

Deleting the account asks for the password, so a stolen session could use it
to guess passwords; it counts against allauth's `reauthenticate` rate
(ACCOUNT_RATE_LIMITS, default 10 a minute per user), like allauth's own
"enter your password again" page. The web view and the API both call this.
"""

from allauth.core import ratelimit
from django.http import HttpRequest


def password_check_allowed(request: HttpRequest) -> bool:
    """Count one password attempt by the signed-in user; False once over the rate."""
    return ratelimit.consume(request, action="reauthenticate", user=request.user)
