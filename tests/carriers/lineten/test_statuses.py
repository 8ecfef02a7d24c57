"""The spec's Job/Delivery status table, held to forward-only order."""
import pytest

from deliveries.carriers.lineten.statuses import (
    DELIVERY_STATUSES_FOR_JOB,
    FINAL_JOB_STATUSES,
    PROGRESSION,
    DeliveryStatus,
    JobState,
    JobStatus,
    cancellable,
    consistent,
    moves_forward,
)


def test_the_normal_progression_only_moves_forward_step_by_step():
    for before, after in zip(PROGRESSION, PROGRESSION[1:]):
        assert moves_forward(before, after)
        assert not moves_forward(after, before)


def test_every_later_step_is_forward_from_every_earlier_one():
    for i, before in enumerate(PROGRESSION):
        for after in PROGRESSION[i + 1:]:
            assert moves_forward(before, after), (before, after)


def test_the_same_state_again_is_not_a_move():
    state = JobState(JobStatus.IN_PROGRESS, DeliveryStatus.AT_PICKUP)
    assert not moves_forward(state, state)


def test_quoting_statuses_come_before_booking():
    assert moves_forward(JobStatus.PENDING, JobStatus.QUOTED)
    assert moves_forward((JobStatus.QUOTED, DeliveryStatus.IDLE), (JobStatus.BOOKED, DeliveryStatus.IDLE))
    assert moves_forward((JobStatus.BOOKED, DeliveryStatus.IDLE), (JobStatus.BOOKED, DeliveryStatus.PENDING))
    assert not moves_forward((JobStatus.BOOKED, DeliveryStatus.PENDING), (JobStatus.QUOTED, DeliveryStatus.IDLE))


@pytest.mark.parametrize("final", sorted(FINAL_JOB_STATUSES))
def test_nothing_moves_a_final_job(final):
    state = JobState(final, next(iter(DELIVERY_STATUSES_FOR_JOB[final])))
    for other in [*PROGRESSION, *[JobState(f) for f in FINAL_JOB_STATUSES]]:
        assert not moves_forward(state, other)


@pytest.mark.parametrize("final", sorted(FINAL_JOB_STATUSES))
def test_any_open_job_may_end_in_a_final_status(final):
    for state in PROGRESSION[:-1]:
        assert moves_forward(state, (final, next(iter(DELIVERY_STATUSES_FOR_JOB[final]))))


def test_waiting_never_hides_later_progress():
    waiting = (JobStatus.IN_PROGRESS, DeliveryStatus.WAITING)
    assert moves_forward((JobStatus.IN_PROGRESS, DeliveryStatus.DRIVER_ASSIGNED), waiting)
    assert moves_forward(waiting, (JobStatus.IN_PROGRESS, DeliveryStatus.EN_ROUTE_DELIVERY))
    assert not moves_forward((JobStatus.IN_PROGRESS, DeliveryStatus.AT_DELIVERY), waiting)


def test_an_event_without_delivery_status_does_not_overtake_a_known_step():
    assert not moves_forward((JobStatus.IN_PROGRESS, DeliveryStatus.AT_PICKUP), (JobStatus.IN_PROGRESS, None))
    assert moves_forward((JobStatus.BOOKED, DeliveryStatus.PENDING), (JobStatus.IN_PROGRESS, None))


def test_no_current_state_means_any_known_state_is_forward():
    assert moves_forward(None, (JobStatus.BOOKED, DeliveryStatus.PENDING))


def test_unknown_statuses_are_refused():
    with pytest.raises(ValueError, match="flying"):
        moves_forward((JobStatus.BOOKED, DeliveryStatus.PENDING), ("flying", None))
    with pytest.raises(ValueError, match="teleported"):
        moves_forward(None, (JobStatus.IN_PROGRESS, "teleported"))


@pytest.mark.parametrize("state", [
    (JobStatus.QUOTED, DeliveryStatus.IDLE),
    (JobStatus.BOOKED, DeliveryStatus.PENDING),
    (JobStatus.IN_PROGRESS, DeliveryStatus.DRIVER_ASSIGNED),
    (JobStatus.IN_PROGRESS, DeliveryStatus.EN_ROUTE_PICKUP),
])
def test_a_job_is_cancellable_up_to_and_including_en_route_pickup(state):
    assert cancellable(*state)
    assert cancellable(JobState(*state))


@pytest.mark.parametrize("state", [
    (JobStatus.IN_PROGRESS, DeliveryStatus.AT_PICKUP),
    (JobStatus.IN_PROGRESS, DeliveryStatus.EN_ROUTE_DELIVERY),
    (JobStatus.IN_PROGRESS, DeliveryStatus.AT_DELIVERY),
    (JobStatus.IN_PROGRESS, DeliveryStatus.WAITING),
    (JobStatus.CLOSED, DeliveryStatus.DELIVERED),
    (JobStatus.CANCELLED, DeliveryStatus.CANCELLED),
    (JobStatus.EXPIRED, DeliveryStatus.CANCELLED),
])
def test_a_job_past_en_route_pickup_or_final_is_not_cancellable(state):
    assert not cancellable(*state)


def test_the_progression_follows_the_spec_table():
    assert all(consistent(state.job, state.delivery) for state in PROGRESSION)
    assert not consistent(JobStatus.BOOKED, DeliveryStatus.AT_PICKUP)
    assert set(DELIVERY_STATUSES_FOR_JOB) == set(JobStatus)
