"""The agents of the reference model: workers, firms and training providers as Mesa Agents.

Each agent holds its own state (the fields of one row of ``simulation.state``) and acts
through its own methods; the rules themselves are the per-agent helpers of
``simulation.twins`` (the readable specification the numba kernels are tested against).

Two conventions keep the reference trajectory-equal to the engine:

- ``row`` is the agent's slot in the engine's arrays and the id its counter-based
  random draws are keyed by (``simulation.rng``): agents in the same place draw the same
  numbers. A school leaver takes the lowest row a retired worker has freed, an entering
  firm the lowest row an exited firm has freed, as the engine does.
- Fields the engine stores as float32 (skills, requirements, gaps, wages, ability,
  firm size, shock and productivity) are kept at float32 precision: skill and
  requirement vectors are ``array("f")`` (C floats: a value set is rounded), scalars are
  rounded with ``f32`` when set. Dates are months as floats, NaN for "not yet".
"""

from __future__ import annotations

import math
from array import array

import mesa

from simulation.engine import EMPLOYABILITY_DRAWS
from simulation.rng import Stream, py_normal, py_uniform
from simulation.state import (
    NEVER,
    ApprState,
    Cert,
    Education,
    Flow,
    Programme,
    SectorKind,
    Spend,
    Status,
)
from simulation.twins import (
    accounting,
    apprenticeship,
    choices,
    demography,
    firms,
    matching,
    separations,
    skills,
    training,
)
from simulation.twins.common import f32

NAN = math.nan


def float32s(values) -> array:
    """A vector of C floats (float32, as the engine stores skills and requirements):
    a value set in it is rounded to float32; ``values`` is a length or the values."""
    if isinstance(values, int):
        return array("f", bytes(4 * values))
    return array("f", values)


class ProviderAgent(mesa.Agent):
    """A TVET institution: seats for school leavers' programmes and adults' courses, a
    programme mix over skill domains that it re-plans every quarter, and a quality."""

    def __init__(self, model, row: int, region: int, base_seats: int, base_course_seats: int,
                 quality: float, mix):  # fmt: skip
        super().__init__(model)
        self.row = row
        self.region = region
        self.base_seats = base_seats
        self.base_course_seats = base_course_seats
        self.seats = base_seats
        self.course_seats = base_course_seats
        self.enrolled = 0  # TVET students
        self.course_enrolled = 0  # adults in courses
        self.quality = quality
        self.mix = [float(v) for v in mix]  # share of programme time per domain
        self.relevance = 1.0

    @property
    def rural(self) -> bool:
        return self.model.world.region_urban[self.region] == 0

    def set_seats(self, p, rural_extra: float) -> None:
        self.seats, self.course_seats = training.provider_seats(
            self.base_seats, self.base_course_seats, self.rural, p.capacity_multiplier, rural_extra
        )

    def plan_curriculum(self, key: int, lagged, foresight_delta, p) -> None:
        """Quarterly: move the programme mix toward the forecast of skill demand."""
        training.plan_mix(
            key, self.row, lagged, foresight_delta, p.noise_sd, p.core_share, p.green_share,
            self.model.green_domain, p.adjust, self.mix,
        )  # fmt: skip

    def assess_relevance(self, demand) -> None:
        self.relevance = training.relevance_of(self.mix, demand)

    def running_costs(self, p):
        """(Cost of occupied seats, cost of rural extra capacity or None), yuan."""
        return accounting.provider_running_costs(
            p, self.rural, self.base_seats, self.base_course_seats, self.seats,
            self.course_seats, self.enrolled, self.course_enrolled,
        )  # fmt: skip


class FirmAgent(mesa.Agent):
    """A firm: a sector and region, a skill requirement profile, employees and apprentices
    (the sets it keeps), vacancies and apprenticeship slots, and training accounts."""

    def __init__(self, model, row: int, sector: int, region: int, provider: ProviderAgent,
                 entry_month: int):  # fmt: skip
        super().__init__(model)
        self.row = row
        self.alive = True
        self.sector = sector
        self.region = region
        self.provider = provider  # partner TVET provider of its apprentices
        self.entry_month = entry_month
        self.exit_month = NEVER
        self.employees: set[WorkerAgent] = set()
        self.trainees: set[WorkerAgent] = set()  # active apprentices
        self.base_size = self.shock = self.productivity = self.appr_extra = 0.0
        self.req = float32s(model.n_domains)  # skill requirement per domain
        self.target = self.vacancies = self.layoff_quota = self.slots = 0
        self.vac_age = self.vac_apps = self.vac_qualified = 0
        self.net_benefit = 0.0
        self.train_cost = self.train_benefit = 0.0
        self.appr_started = 0
        self.threshold = 0.0  # hiring threshold of the current matching stage
        self.received: list = []  # applications of the current matching round

    @classmethod
    def enter(cls, model, row: int, sector: int, region: int, month: int, key: int, p):
        """A new firm on a free row: size, productivity, requirements and its own extra
        apprentice contribution drawn as the engine draws them."""
        provider = model.providers[model.provider_start[region] + row % model.providers_per_region]
        firm = cls(model, row, sector, region, provider, month)
        world = model.world
        size, productivity, req_row, extra = firms.entrant_draws(
            key, row, sector, p.avg_size, p.size_sigma, world.sector_productivity,
            world.sector_profile, p.req_noise, model.params.appr.contribution_sd, model.n_domains,
        )  # fmt: skip
        firm.base_size = f32(size)
        firm.productivity = f32(productivity)
        firm.req = float32s(req_row)
        firm.appr_extra = f32(extra)
        return firm

    @classmethod
    def from_row(cls, model, f, row: int) -> FirmAgent:
        """The live firm on ``row`` of the engine's ``Firms`` arrays."""
        firm = cls(model, int(row), 0, 0, model.providers[f.provider[row]], 0)
        _copy_fields(firm, f, row, skip=("provider", "headcount", "apprentices"))
        firm.alive = True
        return firm

    # ------------------------------------------------------------------ counts

    @property
    def headcount(self) -> int:
        return len(self.employees)

    @property
    def apprentices(self) -> int:
        return len(self.trainees)

    @property
    def cell(self) -> int:
        return self.sector * self.model.world.n_regions + self.region

    @property
    def skilled_wage(self) -> float:
        """Monthly wage of a fully skilled worker here: regional level x productivity."""
        return float(self.model.world.wage_level[self.region]) * self.productivity

    @property
    def min_wage(self) -> float:
        return float(self.model.world.min_wage[self.region])

    def openings(self, mode: int) -> int:
        return self.vacancies if mode == matching.JOBS else self.slots

    def fill_opening(self, mode: int) -> None:
        if mode == matching.JOBS:
            self.vacancies -= 1
        else:
            self.slots -= 1

    # ------------------------------------------------------------------- demand

    def update_shock(self, key: int, p) -> None:
        z = py_normal(key, self.row, 0)
        self.shock = f32(firms.next_shock(self.shock, p.shock_persistence, p.shock_sd, z))

    def close(self, month: int) -> None:
        """Exit: its workers are released at the next layoffs."""
        self.alive = False
        self.exit_month = month

    def set_target(self, log_demand: float, p) -> None:
        self.target = firms.firm_target(log_demand, p.entry_elasticity, self.base_size, self.shock)

    def post_vacancies(self, p) -> None:
        vacancies, quota = 0, 0
        if self.alive:
            vacancies, quota = firms.vacancies_and_quota(self.target, self.headcount, p.layoff_band)
        self.vacancies, self.layoff_quota = vacancies, quota
        if vacancies == 0:  # the next vacancy spell starts afresh
            self.vac_age = self.vac_apps = self.vac_qualified = 0

    # ---------------------------------------------------------- apprenticeship

    def offer_slots(self, p, poach_rate: float) -> None:
        """Weigh the expected net benefit of an apprentice; open slots if it pays."""
        if not self.alive:
            self.slots, self.net_benefit = 0, 0.0
            return
        w = self.skilled_wage
        net_benefit, _ = apprenticeship.expected_net_benefit(p, w, self.min_wage, poach_rate)
        self.net_benefit = f32(net_benefit)
        own = self.appr_extra * w
        self.slots = apprenticeship.firm_slots(
            p, net_benefit, own, self.headcount, self.apprentices
        )

    def book_apprentice_month(self, p, apprentice: WorkerAgent) -> None:
        w = self.skilled_wage
        contribution, extra, cost = apprenticeship.apprentice_month(
            p, apprentice.appr_duration, apprentice.months_left, w, self.min_wage, self.appr_extra
        )
        self.train_benefit = self.train_benefit + contribution + extra
        self.train_cost = self.train_cost + cost
        apprentice.appr_net = apprenticeship.contract_net(
            apprentice.appr_duration, apprentice.months_left, apprentice.appr_net,
            contribution, extra, cost,
        )  # fmt: skip
        apprenticeship.book_month_totals(self.model.appr_money, contribution, extra, cost)

    # ----------------------------------------------------------------- matching

    def screen(self, mode: int, p, cert_bonus, offers, key: int, slot0: int) -> None:
        """Score this round's applicants, with the firm's error in judging each
        (``matching.judged``: drawn under ``key`` at the round's slots from ``slot0``),
        offer to the best above the threshold while openings last (``offers[j]``
        collects (application, firm) of searcher j)."""
        received = self.received
        scores = []
        for w, _, a in received:
            score = matching.score_applicant(
                mode, p, w.skills, w.ability, w.cert, cert_bonus, self.req
            )
            scores.append(matching.judged(mode, p, score, key, w.row, slot0 + 2 * a))
        qualified, chosen = matching.screen_applicants(scores, self.openings(mode), self.threshold)
        if mode == matching.JOBS:  # the vacancy spell's record (skill-shortage metric)
            self.vac_apps += len(received)
            self.vac_qualified += qualified
        for t in chosen:
            _, j, a = received[t]
            offers[j].append((a, self))
        self.received = []

    # ------------------------------------------------------------- separations

    def release_workers(self, month: int) -> None:
        """Layoffs: an exited firm releases everyone (apprenticeships dissolve); a live
        firm over its band lays off its quota, worst matched first."""
        if not self.alive:
            leaving = sorted(self.employees | self.trainees, key=_row)
        elif self.layoff_quota > 0:
            members = sorted(self.employees, key=_row)
            leaving = separations.layoff_order(members, _gap_under, self.layoff_quota)
        else:
            return
        flows = self.model.flows
        brown = self.model.world.sector_kind[self.sector] == SectorKind.BROWN
        for w in leaving:
            if w.status == Status.APPRENTICE:
                w.appr_state = ApprState.DISSOLVED
                flows[Flow.APPR_DISSOLVED] += 1
            else:
                flows[Flow.LAYOFFS if self.alive else Flow.EXIT_LAYOFFS] += 1
                if brown:
                    w.displaced = 1
                    w.date_displaced = float(month)
            w.leave_employer()


def _row(agent) -> int:
    return agent.row


def _gap_under(worker) -> float:
    return worker.gap_under


class WorkerAgent(mesa.Agent):
    """A worker: age, region and origin, education, learning ability and skills, a
    labour-market status, an employer or provider, an apprenticeship record and the
    dates of key events."""

    def __init__(self, model, row: int):
        super().__init__(model)
        self.row = row
        self.status = Status.LEAVER
        self.age = 0  # months
        self.region = self.origin = 0
        self.rural = 0  # 1 = rural origin
        self.education = Education.SECONDARY
        self.ability = 1.0
        self.skills = float32s(model.n_domains)  # 0..1 per domain
        self.employer: FirmAgent | None = None
        self.gap_under = self.gap_over = 0.0
        self.wage = 0.0
        self.tenure = self.spell = self.months_left = 0
        self.provider: ProviderAgent | None = None
        self.programme = Programme.NONE
        self.cert = Cert.NONE
        self.appr_state = ApprState.NEVER
        self.appr_firm: FirmAgent | None = None
        self.appr_duration = 0
        self.appr_entitlement = self.appr_advance = self.appr_net = 0.0
        self.retained = self.poached = 0
        self.seeking_appr = 0  # months left seeking an apprenticeship slot
        self.displaced = 0
        self.date_entry = self.date_first_job = NAN
        self.date_appr_start = self.date_appr_end = self.date_displaced = NAN

    @classmethod
    def from_row(cls, model, w, row: int, firm_at: dict) -> WorkerAgent:
        """The worker on ``row`` of the engine's ``Workers`` arrays (firms by row)."""
        worker = cls(model, int(row))
        _copy_fields(worker, w, row, skip=("employer", "provider", "appr_firm"))
        worker.employer = firm_at.get(int(w.employer[row]))
        worker.appr_firm = firm_at.get(int(w.appr_firm[row]))
        q = int(w.provider[row])
        worker.provider = model.providers[q] if q >= 0 else None
        if worker.status == Status.EMPLOYED:
            worker.employer.employees.add(worker)
        elif worker.status == Status.APPRENTICE:
            worker.employer.trainees.add(worker)
        return worker

    @classmethod
    def enter(cls, model, row: int, key: int, p) -> WorkerAgent:
        """A school leaver on a free row: region, home, origin, ability and skills."""
        world = model.world
        leaver = cls(model, row)
        age, region, origin, rural, ability, skills_row = demography.entrant_draws(
            key, row, p, model.region_cum, world.region_rural_share, world.region_urban,
            model.rural_home_cum, model.field_cum, world.sector_profile, model.n_domains,
        )  # fmt: skip
        leaver.age, leaver.region, leaver.origin, leaver.rural = age, region, origin, rural
        leaver.ability = f32(ability)
        leaver.skills = float32s(skills_row)
        return leaver

    # ---------------------------------------------------------------- helpers

    def update_gaps(self) -> None:
        under, over = skills.job_gaps(self.skills, self.employer.req)
        self.gap_under, self.gap_over = f32(under), f32(over)

    def leave_employer(self) -> None:
        """Lose the job or apprenticeship: unemployed, spell from 0."""
        firm = self.employer
        if self.status == Status.APPRENTICE:
            firm.trainees.discard(self)
        else:
            firm.employees.discard(self)
        self.become_unemployed()

    def become_unemployed(self) -> None:
        self.status = Status.UNEMPLOYED
        self.employer = None
        self.wage = 0.0
        self.tenure = 0
        self.spell = 0
        self.provider = None

    # ------------------------------------------------- 5. education and training

    def choose_path(self, key: int, month: int, p, slot_ratio: float, counts) -> None:
        """A school leaver enters tertiary study, or chooses apprenticeship search, TVET or
        job search (ODD 7.5)."""
        if choices.studies(p, key, self.row, self.ability, self.rural):
            choice = choices.TERTIARY
        else:
            best, cost = self.model.nearest_provider(self.region, course=False)
            relevance = best.relevance if best is not None else None
            choice = choices.labour_market_path(p, key, self.row, slot_ratio, relevance, cost)
        counts[choice] += 1
        if choice == choices.APPR:  # search for a slot for a while
            self.status = Status.UNEMPLOYED
            self.seeking_appr = p.seek_months
            self.date_entry = float(month)
            self.spell = 0
        elif choice == choices.SEARCH:
            self.status = Status.UNEMPLOYED
            self.date_entry = float(month)
            self.spell = 0
        elif choice == choices.TVET:
            self.status = Status.TRAINING
            self.programme = Programme.TVET
            self.provider = best
            self.months_left = p.tvet_months
            best.enrolled += 1
        else:
            self.status = Status.STUDENT
            self.months_left = p.tertiary_months

    def consider_course(self, key: int, p) -> tuple[bool, bool]:
        """An unemployed adult may enrol in a lifelong-learning course nearby; returns
        (enrolled, with a voucher)."""
        if self.status != Status.UNEMPLOYED or self.seeking_appr > 0:
            return False, False
        if self.spell < p.min_spell or self.age < p.adult_age_months:
            return False, False
        model = self.model
        rural_region = model.world.region_urban[self.region] == 0
        eligible = choices.voucher_eligible(p, self.age, rural_region, self.displaced)
        voucher = bool(eligible) and p.voucher_value > 0.0
        best, cost = model.nearest_provider(self.region, course=True)
        if best is None:
            return False, False
        if py_uniform(key, self.row, 0) >= choices.course_probability(p, voucher, cost):
            return False, False
        self.status = Status.TRAINING
        self.programme = Programme.VOUCHER_COURSE if voucher else Programme.COURSE
        self.provider = best
        self.months_left = p.course_months
        best.course_enrolled += 1
        return True, voucher

    # --------------------------------------------------------------- 6. skills

    def learn(self, p) -> None:
        """A month of learning at work, in training or study; depreciation when idle."""
        st = self.status
        if st == Status.EMPLOYED or st == Status.APPRENTICE:
            q = self.provider if st == Status.APPRENTICE else None
            mix, quality, relevance = (q.mix, q.quality, q.relevance) if q else (None, 0.0, 0.0)
            skills.learn_at_work(
                p, st == Status.APPRENTICE, self.ability, self.skills, self.employer.req, mix,
                quality, relevance,
            )  # fmt: skip
            self.update_gaps()
        elif st == Status.UNEMPLOYED or st == Status.INACTIVE:
            skills.depreciate_idle(p, self.skills)
        elif st == Status.TRAINING:
            q = self.provider
            skills.learn_in_training(p, self.ability, self.skills, q.mix, q.quality, q.relevance)
        elif st == Status.STUDENT:
            skills.learn_in_tertiary(p, self.skills)

    # ------------------------------------------------------------- 7. matching

    def searches_slot(self, key: int, p) -> bool:
        if self.status != Status.UNEMPLOYED:
            return False
        u = py_uniform(key, self.row, 0)
        return matching.seeks_slot(p, self.status, self.age, self.cert, self.seeking_appr, u)

    def searches_job(self, key: int, p) -> bool:
        st = self.status
        if st not in (Status.UNEMPLOYED, Status.EMPLOYED, Status.STUDENT, Status.TRAINING):
            return False
        u = py_uniform(key, self.row, 0)
        return matching.seeks_job(
            p, st, self.programme, self.months_left, self.gap_under, self.gap_over, u
        )

    def apply(self, key: int, slot0: int, j: int, p, access, cells) -> None:
        """Send this round's applications (searcher ``j`` of the round)."""
        apps = matching.applications_from(
            key, slot0, self.row, p.applications, self.skills, self.region, self.employer,
            access, self.model.world.sector_profile, p.affinity_weight, *cells,
        )  # fmt: skip
        for a, firm in enumerate(apps):
            if firm is not None:
                firm.received.append((self, j, a))

    def employability(self, key: int, p, cert_bonus, access, cells) -> float | None:
        """Share of vacancies drawn by accessibility alone whose hiring threshold this
        worker meets (None if it can reach none)."""
        drawn = matching.vacancies_sampled(
            key, self.row, self.skills, self.region, access, self.model.world.sector_profile,
            *cells, EMPLOYABILITY_DRAWS,
        )  # fmt: skip
        if not drawn:
            return None
        hits = sum(
            matching.score_applicant(
                matching.JOBS, p, self.skills, self.ability, self.cert, cert_bonus, f.req
            )
            >= f.threshold
            for f in drawn
        )
        return hits / EMPLOYABILITY_DRAWS

    def choose_offer(self, mode: int, p, offers) -> FirmAgent | None:
        """The offer taken from (application, firm) pairs, or None."""
        offers = sorted(offers, key=lambda o: o[0])
        world = self.model.world
        values = [
            matching.value_of_offer(
                mode,
                p,
                self.skills,
                self.region,
                f.req,
                f.region,
                f.productivity,
                world.wage_level,
                self.model.travel,
            )
            for _, f in offers
        ]
        wage = self.wage if self.status == Status.EMPLOYED else None
        least = matching.reservation_pay(
            mode, p, self.status, self.age, self.spell, world.wage_level[self.region]
        )
        t = matching.pick_offer(values, wage, least)
        return offers[t][1] if t >= 0 else None

    def accept(self, mode: int, firm: FirmAgent, month: int, p) -> None:
        """Take a job or apprenticeship at ``firm`` (moving to its region if need be)."""
        model = self.model
        flows = model.flows
        if self.region != firm.region:  # hires in another region migrate
            model.mig_out[self.region] += 1
            model.mig_in[firm.region] += 1
            self.region = firm.region
        st = self.status
        if st == Status.TRAINING or st == Status.STUDENT:
            self.end_programme_hired(month, p)
        if math.isnan(self.date_first_job) and not math.isnan(self.date_entry):
            self.date_first_job = float(month)
        if st == Status.EMPLOYED:
            old = self.employer
            old.employees.discard(self)
            flows[Flow.JOB_TO_JOB] += 1
            if matching.is_poaching(
                p, month, self.appr_state, self.retained, self.appr_firm, self.date_appr_end, old
            ):
                self.poached = 1
                flows[Flow.APPR_POACHED] += 1
        elif st == Status.UNEMPLOYED and self.spell >= 1:  # unemployed since the month's start
            flows[Flow.UNEMPLOYED_TO_EMPLOYED] += 1
        self.employer = firm
        self.tenure = 0
        self.spell = 0
        self.seeking_appr = 0
        firm.fill_opening(mode)
        if mode == matching.JOBS:
            self.status = Status.EMPLOYED
            firm.employees.add(self)
            firm.vac_age = firm.vac_apps = firm.vac_qualified = 0
            flows[Flow.HIRES] += 1
        else:
            self.start_apprenticeship(firm, month, p)
        self.update_gaps()

    def end_programme_hired(self, month: int, p) -> None:
        """A final-year student or TVET trainee hired ends its programme with the hire,
        as at its end (``progress_education``): the seat, the education, the
        certificate's draw under the month's programme-end key, the entry date."""
        model = self.model
        model.flows[Flow.FINAL_YEAR_HIRES] += 1
        if self.status == Status.TRAINING:
            self.end_tvet(model.key(Stream.TRAINING_END), month, p)
            self.programme = Programme.NONE
            self.provider = None
        else:
            self.end_study(month)
        self.months_left = 0

    def end_study(self, month: int) -> None:
        """Tertiary study ends (at its last month or at a hire before it): tertiary
        education, the month as the entry date."""
        self.education = Education.TERTIARY
        self.date_entry = float(month)

    def end_tvet(self, key: int, month: int, p) -> None:
        """The TVET programme ends (at its last month or at a hire before it): the seat
        freed, vocational education, the month as the entry date, and a certificate on
        the row's draw under the month's programme-end ``key``."""
        q = self.provider
        q.enrolled -= 1
        self.education = max(self.education, Education.VOCATIONAL)
        self.date_entry = float(month)
        if separations.tvet_certifies(key, self.row, p.tvet_certification_pass, q.relevance):
            self.cert = max(self.cert, Cert.TVET)
            self.model.flows[Flow.TVET_CERTIFIED] += 1

    def start_apprenticeship(self, firm: FirmAgent, month: int, p) -> None:
        """Sign today's contract terms; the advance is paid to the firm."""
        self.status = Status.APPRENTICE
        firm.trainees.add(self)
        self.appr_state = ApprState.ACTIVE
        self.appr_firm = firm
        duration, entitlement, advance = matching.apprenticeship_terms(p)
        self.appr_duration = duration
        self.appr_entitlement = entitlement
        self.appr_advance = advance
        self.retained = self.poached = 0
        self.months_left = duration
        self.provider = firm.provider
        self.date_appr_start = float(month)
        self.model.spend[Spend.SUBSIDY] += advance
        firm.train_benefit += advance
        firm.appr_started += 1
        self.model.flows[Flow.APPR_STARTS] += 1

    # --------------------------------------------------------- 8. separations

    def consider_quitting(self, key: int, p) -> None:
        if self.status != Status.EMPLOYED:
            return
        prob = separations.quit_probability(p, self.gap_under, self.gap_over)
        if py_uniform(key, self.row, 0) < prob:
            self.leave_employer()
            self.model.flows[Flow.QUITS] += 1

    def progress_apprenticeship(self, key_drop: int, key_done: int, month: int, p) -> None:
        """Drop out, or count down a month; at the end, assessment, certificate, the rest
        of the subsidy, and retention by the training firm."""
        model, firm = self.model, self.employer
        flows, spend = model.flows, model.spend
        if py_uniform(key_drop, self.row, 0) < separations.dropout_hazard(p):
            claw = self.appr_advance * p.clawback_share
            spend[Spend.SUBSIDY] -= claw
            firm.train_benefit -= claw
            self.appr_net = self.appr_net + self.appr_advance - claw
            self.appr_state = ApprState.DROPPED
            self.leave_employer()
            flows[Flow.APPR_DROPOUTS] += 1
            return
        self.months_left -= 1
        if self.months_left > 0:
            return
        firm.trainees.discard(self)
        self.appr_state = ApprState.COMPLETED
        self.date_appr_end = float(month)
        self.education = max(self.education, Education.VOCATIONAL)
        flows[Flow.APPR_COMPLETIONS] += 1
        match = 1.0 - self.gap_under
        spend[Spend.QUALITY] += p.public_cost_per_completion
        net = self.appr_net + self.appr_advance
        certified, self.cert, balance = separations.certification(
            p, match, py_uniform(key_done, self.row, 0), self.cert, self.appr_entitlement,
            self.appr_advance, self.appr_duration, self.date_appr_start,
        )  # fmt: skip
        if certified:
            flows[Flow.APPR_CERTIFIED] += 1
            spend[Spend.SUBSIDY] += balance
            firm.train_benefit += balance
            net += balance
        self.provider = None
        keep = separations.retention_probability(p, match)
        if firm.alive and py_uniform(key_done, self.row, 1) < keep:
            self.status = Status.EMPLOYED
            firm.employees.add(self)
            self.tenure = 0
            self.retained = 1
            saved = p.hiring_cost_months * firm.skilled_wage
            firm.train_benefit += saved
            net += saved
            flows[Flow.APPR_RETAINED] += 1
        else:
            self.retained = 0
            self.become_unemployed()  # already off the firm's books
        self.appr_net = net
        if separations.recouped(net):
            flows[Flow.APPR_RECOUPED] += 1

    def progress_education(self, key: int, month: int, p) -> None:
        """Trainees and students count down; graduates enter the labour market."""
        model = self.model
        if self.status == Status.TRAINING:
            q = self.provider
            if self.programme == Programme.VOUCHER_COURSE:
                model.spend[Spend.VOUCHERS] += p.voucher_value
                model.flows[Flow.VOUCHER_MONTHS] += 1
            self.months_left -= 1
            if self.months_left > 0:
                return
            if self.programme == Programme.TVET:
                self.end_tvet(key, month, p)
                model.flows[Flow.GRADUATIONS] += 1
                self.enter_after_study(key, p)
            else:
                q.course_enrolled -= 1
                self.status = Status.UNEMPLOYED
                self.spell = 0
            self.programme = Programme.NONE
            self.provider = None
        elif self.status == Status.STUDENT:
            self.months_left -= 1
            if self.months_left <= 0:
                self.end_study(month)
                model.flows[Flow.GRADUATIONS] += 1
                self.enter_after_study(key, p)

    def enter_after_study(self, key: int, p) -> None:
        """A graduate without a job searches, or delays its search ("slow employment"):
        out of the labour force for a number of months, then unemployed
        (``separations.delayed_months``: its draws under the month's programme-end
        ``key``; the countdown runs in ``change_activity``)."""
        self.spell = 0
        months = separations.delayed_months(key, self.row, p.delay_share, p.delay_months)
        if months > 0:
            self.status = Status.INACTIVE
            self.months_left = months + 1  # (the graduation month's own tick is the first)
            self.model.flows[Flow.DELAYED_ENTRIES] += 1
        else:
            self.status = Status.UNEMPLOYED

    # --------------------------------------------------------- 9. demography

    def age_a_month(self, p) -> None:
        """Age; retire at the retirement age (leaving job, apprenticeship or programme)."""
        self.age += 1
        st = self.status
        if self.age >= p.retirement_months:
            if st == Status.EMPLOYED:
                self.employer.employees.discard(self)
            elif st == Status.APPRENTICE:
                self.employer.trainees.discard(self)
            elif st == Status.TRAINING:
                if self.programme == Programme.TVET:
                    self.provider.enrolled -= 1
                else:
                    self.provider.course_enrolled -= 1
            self.model.flows[Flow.RETIREMENTS] += 1
            self.model.retire(self)
            return
        if st == Status.UNEMPLOYED:
            self.spell += 1
            if self.seeking_appr > 0:
                self.seeking_appr -= 1
        elif st == Status.EMPLOYED:
            self.tenure += 1

    def change_activity(self, key: int, p) -> None:
        """The unemployed may leave the labour force (the older long-term unemployed more
        often); the inactive may come back, and a graduate delaying its search
        (``enter_after_study``) comes back when its countdown ends."""
        flows = self.model.flows
        u = py_uniform(key, self.row, 0)
        if self.status == Status.UNEMPLOYED:
            if demography.leaves_labour_force(p, self.age, self.spell, u):
                self.status = Status.INACTIVE
                self.months_left = 0
                flows[Flow.TO_INACTIVE] += 1
        elif self.status == Status.INACTIVE:
            if self.months_left > 1:
                self.months_left -= 1
            elif self.months_left == 1 or u < p.reactivation_hazard:
                self.status = Status.UNEMPLOYED
                self.spell = 1  # unemployed from the next month on (spells have moved on)
                self.months_left = 0
                flows[Flow.FROM_INACTIVE] += 1

    def consider_returning(self, key: int, hazard: float) -> None:
        """An unemployed rural-origin worker away from home may return home."""
        if self.status != Status.UNEMPLOYED:
            return
        u = py_uniform(key, self.row, 0)
        if demography.returns_home(self.rural, self.region, self.origin, hazard, u):
            model = self.model
            model.mig_out[self.region] += 1
            model.mig_in[self.origin] += 1
            self.region = self.origin
            model.flows[Flow.RETURN_MIGRATIONS] += 1

    # ------------------------------------------------------------ 10. accounts

    def skilled_wage(self) -> float:
        """The skilled wage of this worker's job: its region's wage level times the
        employer's productivity (the scale of its wage)."""
        return float(self.model.world.wage_level[self.region]) * self.employer.productivity

    def set_wage(self, p) -> None:
        """This month's wage: an employee's by match, tenure and certificate, an
        apprentice's share of the skilled wage; nothing out of work."""
        st = self.status
        if st != Status.EMPLOYED and st != Status.APPRENTICE:
            self.wage = 0.0
            return
        skilled = self.skilled_wage()
        min_wage = float(self.model.world.min_wage[self.region])
        if st == Status.EMPLOYED:
            wage = accounting.employee_wage(
                p, skilled, self.gap_under, self.tenure, self.cert, min_wage
            )
        else:
            wage = accounting.apprentice_wage(p, skilled, min_wage)
        self.wage = f32(wage)


# -------------------------------------------------------------- engine rows


def _copy_fields(agent, population, row: int, skip: tuple[str, ...]) -> None:
    """Set the agent's fields from one row of a struct-of-arrays population."""
    for name, column in population.arrays().items():
        if name in skip:
            continue
        value = column[row]
        if column.ndim == 2:
            value = float32s(value)
        elif column.dtype.kind == "f":
            value = float(value)
        else:
            value = int(value)
        setattr(agent, name, value)
