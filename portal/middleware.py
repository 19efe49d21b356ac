"""Content-Security-Policy for the public site (SPEC §12: no third-party origin at all).

Public pages use no inline script or style, so the policy allows only this site's own files.
The Wagtail admin (and the editors' userbar on public pages) keep Wagtail's own behaviour:
the header is sent to anonymous readers outside /admin/.
"""

PUBLIC_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            not request.path.startswith(("/admin/", "/documents/"))
            and not (user and user.is_authenticated)
            and "Content-Security-Policy" not in response
        ):
            response["Content-Security-Policy"] = PUBLIC_POLICY
        return response
