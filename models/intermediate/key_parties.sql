-- One row per register row (template, row_id): its key party (party_index 0) as the case
-- and event keys see it. snapshot_party is the party's person_key, or - when the register
-- gives it neither a valid ID nor a mobile - its name ('name:' + md5): a monthly register
-- lists an open case or event again, and a key unique to each row would count every
-- re-listing anew. The name only matches snapshots within one township (the keys that use
-- it carry the township); it never makes a person: person_key stays the row's own.
with

party_persons as (
    select * from intermediate.party_persons
    where party_index = 0
),

parties as (
    select row_id, name from staging.parties
    where party_index = 0
),

final as (
    select
        party_persons.template,
        party_persons.row_id,
        party_persons.person_key,
        party_persons.identity_kind = 'row' and parties.name is not null as is_name_keyed,
        case
            when party_persons.identity_kind = 'row' and parties.name is not null
                then 'name:' || md5(parties.name)
            else party_persons.person_key
        end as snapshot_party
    from party_persons
    left join parties on parties.row_id = party_persons.row_id
)

select * from final
