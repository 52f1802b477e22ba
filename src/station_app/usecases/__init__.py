"""Use cases behind `station_app.app.Application`: one small class per area, each holding the application and
calling the services with its database and signed-in login (the services check the role).

Front ends reach these only through the application object (`app.consultations`, `app.bundles`, ...)."""

from station_app.usecases import admin, forks, mediation, records, sync  # noqa: F401
