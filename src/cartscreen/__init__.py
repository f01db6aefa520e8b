"""cartscreen: pre-screen children with refractory autoimmune disease for CAR-T trials."""

__version__ = "0.1.0"
