"""Joint transnational cluster action plans (issue 14, point 4).

    from s3stresstest.actionplan import load_plan, write_plan_documents
    write_plan_documents(load_plan("plan.yaml"), "plan-out", languages=["en", "de"])

`starter_plan` drafts a plan from ranked cooperation topics; the partners edit the YAML.
"""

from .document import plan_document
from .gantt import gantt_svg
from .model import Action, ActionPlan, Kpi, Line, default_lines, load_plan, plan_from_data
from .starter import starter_plan
from .write import write_plan_documents

__all__ = [
    "Action",
    "ActionPlan",
    "Kpi",
    "Line",
    "default_lines",
    "gantt_svg",
    "load_plan",
    "plan_document",
    "plan_from_data",
    "starter_plan",
    "write_plan_documents",
]
