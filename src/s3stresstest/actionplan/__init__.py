"""Joint transnational cluster action plans (issue 14, point 4).

    from s3stresstest.actionplan import load_plan, write_plan_documents
    from s3stresstest.calls import load_programmes, plan_partner_calls
    plan = load_plan("plan.yaml")
    calls = plan_partner_calls(load_programmes("programmes.yaml"), plan.joint_calls())  # first
    write_plan_documents(plan, "plan-out", languages=["en", "de"], calls=calls.outcomes())

The joint calls are planned first so that the plan's joint-call actions take their dates, or
say why a call cannot run (`joint_calls`).

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
