from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Site-specific account behaviour; allauth's views stay as they are."""

    def is_open_for_signup(self, request) -> bool:
        return True
