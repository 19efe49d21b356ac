"""Admin accounts whose name is on kept records — a release they approved, an appeal they filed
or decided, an import they uploaded (SPEC §4: these are kept for good, and say who did what).
Such an account cannot be deleted; it is deactivated instead: it can no longer log in, and the
records keep their names."""

from collections import Counter

from django.db import router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError

from wagtail.log_actions import log

DEACTIVATE_ACTION = "portal.user.deactivate"


def user_kept_records(*, user) -> dict[str, int]:
    """What stops `user` from being deleted, as record kind → count; empty when nothing does.

    Asks Django's own deletion collector, so every protecting foreign key counts, today's and
    those added later, without deleting anything."""
    collector = Collector(using=router.db_for_write(type(user)))
    try:
        collector.collect([user])
    except ProtectedError as error:
        kept = error.protected_objects
    except RestrictedError as error:
        kept = error.restricted_objects
    else:
        return {}
    return dict(Counter(str(record._meta.verbose_name) for record in kept))


def kept_records_text(records: dict[str, int]) -> str:
    return "、".join(f"{kind} {count} 条" for kind, count in sorted(records.items()))


@transaction.atomic
def user_deactivate(*, user, by) -> None:
    """Deactivate `user` (instead of deleting it) and write it in the audit log."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    log(instance=user, action=DEACTIVATE_ACTION, user=by)
