"""Samples for the API's path parameters (tests/test_openapi.py)."""

PARAM_MODELS = {
    "site_id": "resources.Site",
    "team_id": "resources.Team",
    "request_id": "resources.SupplyRequest",
    "agreement_id": "resources.Agreement",
    "expert_id": "resources.Expert",
    "shelter_id": "resources.Shelter",
    "equipment_id": "resources.Equipment",
    "partner_id": "resources.LinkagePartner",
}
PATH_SAMPLES: dict = {}
