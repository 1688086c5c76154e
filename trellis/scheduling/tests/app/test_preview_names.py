"""The run preview names people, even those the run no longer schedules."""

import uuid

from trellis.scheduling import selectors


def test_patient_names_resolves_public_ids_and_skips_the_rest(cast):
    names = selectors.patient_names(
        [str(cast.olive.public_id), "not-an-id", str(uuid.uuid4()), cast.bea.public_id]
    )
    assert names == {
        str(cast.olive.public_id): cast.olive.display_name,
        str(cast.bea.public_id): cast.bea.display_name,
    }
    assert selectors.patient_names([]) == {}
