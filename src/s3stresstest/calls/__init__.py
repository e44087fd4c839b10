"""Synchronised joint calls built on existing regional funding programmes (issue 14, point 5).

S3-4AlpClusters' synchronised call scheme aligned the regions' own programmes so that a
transregional consortium could apply once while each region funded its own participants. This
package plans such calls: which programmes cover a topic, a common window that every programme's
rules allow (or, when none exists, what blocks it and the smallest change that would free one),
what differs between the programmes, a calendar and a call-text skeleton in five languages.

    from s3stresstest.calls import load_programmes, plan_calls, write_plan
    plan = plan_calls(load_programmes("programmes.yaml"), ["ecosystem:digital"], regions=["AT32", "ITC1"])
    write_plan(plan, "calls-out")

An action plan's joint calls: `plan_partner_calls(programmes, action_plan.joint_calls())`, then
`actionplan.write_plan_documents(action_plan, out, calls=plan.outcomes())` (or `read_outcomes`
of the written folder): plan the calls first, so the plan shows their dates or why they cannot run.
"""

from .outcome import CallOutcome, read_outcomes, why_not
from .plan import CALL_COLUMNS, Call, CallPlan, harmonisation, plan_call, plan_calls, plan_partner_calls
from .programmes import Programme, Programmes, example_programmes_path, load_programmes, programmes_from_data
from .window import Change, Window, blocking_changes, earliest_window
from .write import write_plan

__all__ = [
    "CALL_COLUMNS",
    "Call",
    "CallOutcome",
    "CallPlan",
    "Change",
    "Programme",
    "Programmes",
    "Window",
    "blocking_changes",
    "earliest_window",
    "example_programmes_path",
    "harmonisation",
    "load_programmes",
    "plan_call",
    "plan_calls",
    "plan_partner_calls",
    "programmes_from_data",
    "read_outcomes",
    "why_not",
    "write_plan",
]
