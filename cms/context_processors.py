from django.conf import settings
from django.utils.functional import SimpleLazyObject

from cms.middleware import publication_version


def display_mode(request):
    mode = request.COOKIES.get("display_mode", "")
    return {"display_mode": mode if mode in {"large", "contrast"} else ""}


def public_fragments(request):
    """What templates key their {% cache %} fragments on: the publication version (read only when a
    fragment is rendered) and how long a fragment lives (0: not cached).

    Only fragments that are the same for every anonymous reader are cached, and only for
    anonymous readers (templates check request.user.is_authenticated): members see other scopes.
    A publish, revocation or move changes the version, so no fragment outlives what it shows;
    the timeout bounds what no page signal announces (a document's title, the deadline calendar).
    """
    return {
        "publication_version": SimpleLazyObject(publication_version),
        "fragment_seconds": settings.PUBLIC_FRAGMENT_CACHE_SECONDS,
    }
