-- One row per petition event (信访批次), deduplicated across registers on (township_code,
-- petition_no) where 信访编号 is given, else (first party's person_key, petition_date, form).
-- The latest register period wins for accepted/concluded/meeting dates, is_extended, level
-- and the other attributes; petition_date is the earliest seen. An event belongs to its
-- first party (信访人) and to its register's township. matter_id: the linked case
-- (township_code + linked_case_no) where given, else (person_key, category).
with

petitions as (
    select * from staging.petitions
),

key_parties as (
    select row_id, person_key
    from intermediate.party_persons
    where template = 'petition' and party_index = 0
),

keyed as (
    select
        petitions.*,
        key_parties.person_key,
        case
            when petitions.petition_no is not null
                then md5(concat_ws('|', 'no', petitions.township_code, petitions.petition_no))
            else md5(concat_ws(
                '|', 'party',
                coalesce(key_parties.person_key, 'row:' || petitions.row_id),
                cast(petitions.petition_date as varchar), coalesce(petitions.form, '')
            ))
        end as event_id
    from petitions
    left join key_parties on key_parties.row_id = petitions.row_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by event_id order by period desc, excel_row desc, row_id desc
        ) as recency,
        min(petition_date) over (partition by event_id) as first_petition_date,
        count(*) over (partition by event_id) as snapshots
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
        level,
        accepted_date,
        concluded_date,
        is_extended,
        linked_case_no,
        meeting_date,
        case
            when linked_case_no is not null
                then md5(concat_ws('|', 'case', township_code, linked_case_no))
            else md5(concat_ws(
                '|', 'person', coalesce(person_key, 'event:' || event_id),
                coalesce(category, '')
            ))
        end as matter_id,
        people_count >= 5 as is_group,
        coalesce(level in ('city', 'province', 'capital'), false) as is_escalated,
        period as latest_period,
        snapshots
    from ranked
    where recency = 1
)

select * from final
