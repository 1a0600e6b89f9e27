"""Superset's configuration for `make bi` (orchestration/bi.py sets SUPERSET_CONFIG_PATH to this file).

Metadata in SQLite under .superset/home (git-ignored); the secret key and the admin password are generated at first
start into .superset/secrets.env (mode 0600). Superset listens on 127.0.0.1 only.
"""

import copy
import os

from superset.config import TALISMAN_CONFIG as _DEFAULT_TALISMAN

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = f"sqlite:///{os.environ['SUPERSET_HOME']}/superset.db?check_same_thread=false"

# Superset 6.1's default content security policy leaves its UI on a spinner without 'unsafe-eval' (seen by
# crate/cratedb-examples); its only phone-home, an image pixel, is left out of img-src so the browser blocks it.
TALISMAN_CONFIG = copy.deepcopy(_DEFAULT_TALISMAN)
TALISMAN_CONFIG["content_security_policy"]["script-src"].append("'unsafe-eval'")
TALISMAN_CONFIG["content_security_policy"]["img-src"] = [
    source for source in TALISMAN_CONFIG["content_security_policy"]["img-src"] if "scarf" not in source]
