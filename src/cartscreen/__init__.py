"""cartscreen: pre-screen children with refractory autoimmune disease for CAR-T trials."""

import os

__version__ = "0.1.0"

# Patient files are health data. A pydantic plugin (an observability tool installed in the same
# environment) would be handed every value validated, so cartscreen runs its models without
# any; this also spares each run the search of installed packages for plugins.
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
