"""Django against one server (run as a subprocess: Django's settings are per process).

    python -m tests.clients.django_probe HOST PORT USER PASSWORD DATABASE TABLE [TABLE …]

Prints one JSON object: the `inspectdb` output for the tables and, with the generated models loaded into
an app, the results of ORM queries on them (first rows by key, a filter, a count, values_list).
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> None:
    host, port, user, password, database, *tables = argv
    import django
    from django.conf import settings

    package = Path(tempfile.mkdtemp()) / "probe_models"  # an app for the generated models
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text("")
    sys.path.insert(0, str(package.parent))
    settings.configure(
        DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "HOST": host, "PORT": port,
                               "USER": user, "PASSWORD": password, "NAME": database}},
        INSTALLED_APPS=["probe_models"], USE_TZ=True, DEFAULT_AUTO_FIELD="django.db.models.AutoField")
    from django.core.management import call_command

    out = io.StringIO()
    django.setup()
    call_command("inspectdb", *tables, stdout=out)
    source = out.getvalue()
    import probe_models.models as models_module

    exec(compile(source, str(package / "models.py"), "exec"), models_module.__dict__)  # inspectdb's own output
    results: dict[str, object] = {}
    from django.apps import apps

    for model in apps.get_app_config("probe_models").get_models():
        pk = model._meta.pk.name
        first = list(model.objects.order_by(pk).values()[:3])
        results[model.__name__] = {
            "first": [{k: str(v) for k, v in row.items()} for row in first],
            "count_at_least": model.objects.filter(**{f"{pk}__gte": 0})[:5].count(),
            "pks": [str(v) for v in model.objects.order_by(pk).values_list(pk, flat=True)[:3]],
        }
    print(json.dumps({"inspectdb": source, "orm": results}))


if __name__ == "__main__":
    main(sys.argv[1:])
