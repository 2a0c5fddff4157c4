-- One row per dispute case (矛盾纠纷事项), deduplicated across monthly registers.
-- Key: (township_code, case_no) where the register gives 编号, else (township_code, the first
-- party's person_key, category_key, found_date). Each register row is a snapshot of the case as
-- of its sheet's period: the latest period wins for status, resolved_date and the other
-- attributes; found_date is the earliest seen. effective_resolved_date is the resolved_date,
-- or, when the winning snapshot says resolved without a date, the last day of its period.
-- Registers of a period after as_of are left out (not yet sent as of that date).
with

disputes as (
    select * from staging.disputes
    where period <= $as_of
),

key_parties as (
    select * from intermediate.key_parties
    where template = 'dispute'
),

keyed as (
    select
        disputes.*,
        key_parties.person_key,
        case
            when disputes.case_no is not null
                then md5(concat_ws('|', 'no', disputes.township_code, disputes.case_no))
            else md5(concat_ws(
                '|', 'party', disputes.township_code,
                coalesce(key_parties.snapshot_party, 'row:' || disputes.row_id),
                coalesce(disputes.category_key, ''), cast(disputes.found_date as varchar)
            ))
        end as case_id
    from disputes
    left join key_parties on key_parties.row_id = disputes.row_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by case_id order by period desc, excel_row desc, row_id desc
        ) as recency,
        min(found_date) over (partition by case_id) as first_found_date,
        min(period) over (partition by case_id) as first_period,
        count(*) over (partition by case_id) as snapshots
    from keyed
),

final as (
    select
        case_id,
        township_code,
        case_no,
        person_key,
        category,
        first_found_date as found_date,
        status,
        resolved_date,
        coalesce(status = 'resolved', false) as is_resolved,
        case
            when status = 'resolved' then coalesce(resolved_date, last_day(period))
        end as effective_resolved_date,
        people_count,
        risk_level,
        first_period,
        period as latest_period,
        snapshots
    from ranked
    where recency = 1
)

select * from final
