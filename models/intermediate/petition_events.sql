-- One row per petition event (信访批次): a petition register row, or a dispute register row
-- whose petition columns are filled (staging.disputes.petition_date given: DESIGN.md s.4).
-- Deduplicated across registers on (township_code, petition_no) where 信访编号 is given, else
-- (first party's person_key, petition_date, form), so an event listed in both a petition
-- and a dispute register counts once. An event belongs to its first party (信访人 /
-- 当事人) and to its register's township; petition_date is the earliest seen. The other
-- persons its 信访人 cell lists petitioned too: intermediate.event_petitioners.
-- Choices DESIGN.md leaves open (decided here):
-- * The petition register is the register of record: when an event is listed there, its
--   latest petition-register row gives accepted/concluded/meeting dates, is_extended, level,
--   people_count, category and person; dispute rows give them only for events no petition
--   register lists (then the latest dispute row wins). Within one source the latest
--   register period wins, as before.
-- * A dispute row's event: people_count is the dispute's 涉及人数 (blank -> 1), category the
--   dispute's category, and its linked case is the dispute itself (its 编号), so the
--   matter is that case where the dispute has a 编号, else (person_key, category).
-- * An event's matter takes the winning row's 关联纠纷编号, else the 编号 of a dispute row
--   listing the same event (a petition row that forgot the link still joins its case).
-- * Registers of a period after as_of are left out: as of that date they had not been sent,
--   so a re-run for a past as_of sees the warehouse as it stood then.
-- matter_id: the linked case (township_code + case number) where known, else
-- (person_key, category_key): category_key is the directory's category when the written
-- word maps, else the written word as cleaned, so two different unknown words of one
-- person are two matters though both count under 其他 (category).
with

petition_rows as (
    select
        row_id, 'petition' as source, township_code, period, excel_row, petition_no,
        petition_date, form, people_count, category, level, accepted_date, concluded_date,
        is_extended, linked_case_no, meeting_date, null::varchar as dispute_case_no,
        category_key
    from staging.petitions
    where period <= $as_of
),

dispute_rows as (
    select
        row_id, 'dispute' as source, township_code, period, excel_row, petition_no,
        petition_date, form, people_count, category, level, accepted_date, concluded_date,
        coalesce(is_extended, false) as is_extended, case_no as linked_case_no,
        meeting_date, case_no as dispute_case_no, category_key
    from staging.disputes
    where petition_date is not null and period <= $as_of
),

event_rows as (
    select * from petition_rows
    union all
    select * from dispute_rows
),

key_parties as (
    select * from intermediate.key_parties
),

keyed as (
    select
        event_rows.*,
        key_parties.person_key,
        case
            when event_rows.petition_no is not null
                then md5(concat_ws('|', 'no', event_rows.township_code, event_rows.petition_no))
            else md5(concat_ws(
                '|', 'party',
                case when key_parties.is_name_keyed then event_rows.township_code end,
                coalesce(key_parties.snapshot_party, 'row:' || event_rows.row_id),
                cast(event_rows.petition_date as varchar), coalesce(event_rows.form, '')
            ))
        end as event_id
    from event_rows
    left join key_parties
        on key_parties.row_id = event_rows.row_id and key_parties.template = event_rows.source
),

ranked as (
    select
        *,
        row_number() over (
            partition by event_id
            order by source = 'petition' desc, period desc, excel_row desc, row_id desc
        ) as recency,
        min(petition_date) over (partition by event_id) as first_petition_date,
        max(dispute_case_no) over (partition by event_id) as any_dispute_case_no,
        count(*) over (partition by event_id) as snapshots,
        count(*) filter (where source = 'dispute') over (partition by event_id)
            as dispute_snapshots
    from keyed
),

final as (
    select
        event_id,
        township_code,
        petition_no,
        person_key,
        first_petition_date as petition_date,
        form,
        people_count,
        category,
        category_key,
        level,
        accepted_date,
        concluded_date,
        is_extended,
        coalesce(linked_case_no, any_dispute_case_no) as linked_case_no,
        meeting_date,
        case
            when coalesce(linked_case_no, any_dispute_case_no) is not null
                then md5(concat_ws(
                    '|', 'case', township_code, coalesce(linked_case_no, any_dispute_case_no)
                ))
            else md5(concat_ws(
                '|', 'person', coalesce(person_key, 'event:' || event_id),
                coalesce(category_key, '')
            ))
        end as matter_id,
        people_count >= 5 as is_group,
        coalesce(level in ('city', 'province', 'capital'), false) as is_escalated,
        source as register_source,
        row_id as source_row_id,
        dispute_snapshots > 0 as is_in_dispute_register,
        period as latest_period,
        snapshots
    from ranked
    where recency = 1
)

select * from final
