"""Blueprints: the phases a consultation runs through and what each phase opens.

A blueprint is data (meinBerlin's blueprints): for each form of consultation, the
ordered phases with their features. Creating a consultation copies its blueprint into
``Phase`` rows, where staff may switch features on and off per phase
(``actions.do_set_phase_features``); from then on the rows, not this module, decide.
"""

from __future__ import annotations

from gongzhi.consultations.enums import ConsultationForm, Feature, PhaseKey

Blueprint = list[tuple[PhaseKey, frozenset[Feature]]]

# A meeting-based consultation: residents propose and support in 征集, comment (and so
# take part in a linked opinion map) and sign up for the meeting in 协商, the meeting
# decides in 决策 while residents vote in a linked poll, residents follow and rate in 落实
# and 反馈.
MEETING: Blueprint = [
    (PhaseKey.COLLECT, frozenset({Feature.PROPOSE, Feature.SUPPORT, Feature.COMMENT})),
    (PhaseKey.DELIBERATE, frozenset({Feature.COMMENT, Feature.REGISTER})),
    (PhaseKey.DECIDE, frozenset({Feature.REGISTER, Feature.DECIDE, Feature.POLL})),
    (PhaseKey.IMPLEMENT, frozenset({Feature.COMMENT, Feature.RATE})),
    (PhaseKey.REPORT, frozenset({Feature.COMMENT, Feature.RATE})),
]

# 线上协商: no meeting to sign up for; proposals stay open while residents deliberate;
# residents vote in a linked poll in 决策, and staff record its published result as the
# consultation's decision (a decision record, as for a meeting, which implementation
# items then carry out) — leaving 决策 needs that record.
ONLINE: Blueprint = [
    (PhaseKey.COLLECT, frozenset({Feature.PROPOSE, Feature.SUPPORT, Feature.COMMENT})),
    (PhaseKey.DELIBERATE, frozenset({Feature.PROPOSE, Feature.SUPPORT, Feature.COMMENT})),
    (PhaseKey.DECIDE, frozenset({Feature.DECIDE, Feature.POLL})),
    (PhaseKey.IMPLEMENT, frozenset({Feature.COMMENT, Feature.RATE})),
    (PhaseKey.REPORT, frozenset({Feature.COMMENT, Feature.RATE})),
]

BLUEPRINTS: dict[str, Blueprint] = {form.value: MEETING for form in ConsultationForm}
BLUEPRINTS[ConsultationForm.ONLINE] = ONLINE

# Before a topic is taken into consultation it is being collected: neighbours support
# and comment on it.
PROPOSED_TOPIC_FEATURES = frozenset({Feature.SUPPORT, Feature.COMMENT})


def blueprint_for(form: str) -> Blueprint:
    return BLUEPRINTS[form]
