"""Validation of new cluster services by the companies of pilot clusters (issue 14, point 6).

    from s3stresstest.pilots import pilot_demo, write_validation
    write_validation(pilot_demo(), "pilots-out", formats=["html", "pdf"], languages=["en", "de"])

For real pilots: collect answers to the built-in `pilot_services_v1` questionnaire (its codes as
units), read them as any StressTest campaign and call `validate_services(campaign, pilots)`.
"""

from .demo import DEMO_PILOTS, pilot_demo
from .model import INSTRUMENT, PilotValidation, check_pilots, validate_services, verdicts
from .write import write_validation

__all__ = [
    "DEMO_PILOTS",
    "INSTRUMENT",
    "PilotValidation",
    "check_pilots",
    "pilot_demo",
    "validate_services",
    "verdicts",
    "write_validation",
]
