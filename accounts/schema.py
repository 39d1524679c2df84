"""How the API schema names an organization's API key, so clients see the `Bearer wd_…` scheme beside the token."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiKeyAuthentication"
    name = "organizationApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An organization's API key, `wd_<prefix>_<secret>`: it speaks as the organization, "
            "within its scopes (docs/explanations/organization-api-keys.md).",
        }
