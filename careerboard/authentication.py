"""API authentication by token: the "Authorization: Token <key>" header of DRF's scheme, checked
against the digests on file (careerboard.models.ApiToken), since the keys themselves are not kept.
"""

from rest_framework import authentication, exceptions

from careerboard.models import ApiToken


class ApiTokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(key)).first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        return token.user, token
