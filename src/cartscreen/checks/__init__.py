"""Built-in checks, one module per family; :mod:`cartscreen.checks.registry` lists them."""
