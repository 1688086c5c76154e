"""Writes of the assessments app. Each service is one transaction and writes an audit event."""

from .assessment import (
    ASSESSMENT_FIELDS,
    assessment_save,
    assessment_sign,
    parse_diagnoses,
    placement_config,
    placement_decide,
)
from .core import (
    AlertAlreadyAcknowledged,
    AlreadyCorrected,
    AssessmentLocked,
    DuplicateReferral,
    LinkUnusable,
    OverrideNeedsJustification,
    ResponseInvalid,
    alert_acknowledge,
    alert_raise,
    hash_token,
    link_complete,
    link_create,
    link_usable,
    response_correct,
    response_record,
)
from .referrals import referral_convert, referral_create

__all__ = [
    "ASSESSMENT_FIELDS",
    "AlertAlreadyAcknowledged",
    "AlreadyCorrected",
    "AssessmentLocked",
    "DuplicateReferral",
    "LinkUnusable",
    "OverrideNeedsJustification",
    "ResponseInvalid",
    "alert_acknowledge",
    "alert_raise",
    "assessment_save",
    "assessment_sign",
    "hash_token",
    "link_complete",
    "link_create",
    "link_usable",
    "parse_diagnoses",
    "placement_config",
    "placement_decide",
    "referral_convert",
    "referral_create",
    "response_correct",
    "response_record",
]
