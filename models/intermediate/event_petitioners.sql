-- One row per (petition event, person who petitioned in it): the rule of DESIGN.md s.5
-- "an event's petitioners are every person its 信访人 cell lists (the first keys the event;
-- the others petitioned too)", kept here once for every figure about petitioners.
-- * The petitioners are the parties of the event's winning row (petition_events
--   .source_row_id: the register of record, latest period), in the order the cell lists
--   them; party_index 0 is the first party, the event's own person_key (DESIGN.md s.4).
-- * A dispute row that carries an event (its petition columns filled) gives only its first
--   party: its 当事人 cell lists the parties to the dispute, often both sides, not who
--   petitioned; only a 信访人 cell lists co-petitioners.
-- * A person listed twice in one cell (the same ID written twice) petitioned once: one row,
--   at their first position.
-- * matter_id: the first party's is the event's matter (petition_events.matter_id); a
--   co-petitioner's is the linked case where the event has one (the same matter as the
--   event's), else (that person's key, the event's category_key: the directory word, else
--   the cleaned written word), with the same expression as petition_events.sql (keep the
--   two in step when the category identity changes).
-- The event itself stays keyed and counted by its first party: petition_batches, persons
-- and intermediate.matters do not read this table.
with

events as (
    select * from intermediate.petition_events
),

party_persons as (
    select row_id, template, party_index, person_key from intermediate.party_persons
),

listed as (
    select
        events.event_id,
        party_persons.party_index,
        party_persons.person_key
    from events
    inner join party_persons
        on party_persons.row_id = events.source_row_id
        and party_persons.template = events.register_source
    where party_persons.person_key is not null
        and (events.register_source = 'petition' or party_persons.party_index = 0)
),

first_listing as (
    select event_id, person_key, min(party_index) as party_index
    from listed
    group by event_id, person_key
),

final as (
    select
        events.event_id,
        first_listing.person_key,
        first_listing.party_index,
        first_listing.person_key = events.person_key as is_first_party,
        case
            when first_listing.person_key = events.person_key
                or events.linked_case_no is not null
                then events.matter_id
            else md5(concat_ws(
                '|', 'person', first_listing.person_key, coalesce(events.category_key, '')
            ))
        end as matter_id,
        events.township_code,
        events.petition_date,
        events.concluded_date,
        events.level,
        events.is_group,
        events.is_escalated
    from events
    inner join first_listing on first_listing.event_id = events.event_id
)

select * from final
