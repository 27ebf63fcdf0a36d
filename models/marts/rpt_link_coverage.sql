-- How much of what the pages show rests on links the warehouse could make: one row per repository and one
-- for all of them ('(all)'). Pages print these shares beside the numbers so a reader sees how far to trust them.

with pull_requests as (

    select * from {{ ref('fct_pull_requests') }}

),

-- An imported incident may name a team and no repository: it gets a row of its own, never the total's.
incidents as (

    select
        coalesce(repository, '(no repository)') as repository,
        is_linked
    from {{ ref('fct_incidents') }}

),

pr_counts as (

    select
        repository,
        count(*) as pull_requests,
        count(*) filter (where is_merged) as merged_pull_requests,
        count(*) filter (where is_merged and production_deployment_id is not null) as merged_linked_to_production,
        count(*) filter (where is_merged and deploy_link_method = 'merge_time_window') as merged_linked_by_window,
        count(*) filter (where has_ai_signal) as pull_requests_with_ai_signal,
        count(*) filter (where negative_spans > 0) as pull_requests_with_negative_spans,
        count(*) filter (where is_merged and first_commit_at is null) as merged_missing_first_commit
    from pull_requests
    group by grouping sets ((repository), ())

),

incident_counts as (

    select
        repository,
        count(*) as incidents,
        count(*) filter (where is_linked) as incidents_linked_to_deployment
    from incidents
    group by grouping sets ((repository), ())

),

final as (

    select
        coalesce(pr_counts.repository, incident_counts.repository, '(all)') as repository,
        cast(coalesce(pr_counts.pull_requests, 0) as integer) as pull_requests,
        cast(coalesce(pr_counts.merged_pull_requests, 0) as integer) as merged_pull_requests,
        cast(coalesce(pr_counts.merged_linked_to_production, 0) as integer) as merged_linked_to_production,
        cast(coalesce(pr_counts.merged_linked_by_window, 0) as integer) as merged_linked_by_window,
        cast(coalesce(pr_counts.merged_linked_to_production, 0) as double)
            / nullif(pr_counts.merged_pull_requests, 0) as share_merged_linked_to_production,
        cast(coalesce(incident_counts.incidents, 0) as integer) as incidents,
        cast(coalesce(incident_counts.incidents_linked_to_deployment, 0) as integer) as incidents_linked_to_deployment,
        cast(coalesce(incident_counts.incidents_linked_to_deployment, 0) as double)
            / nullif(incident_counts.incidents, 0) as share_incidents_linked,
        cast(coalesce(pr_counts.pull_requests_with_ai_signal, 0) as integer) as pull_requests_with_ai_signal,
        cast(coalesce(pr_counts.pull_requests_with_ai_signal, 0) as double)
            / nullif(pr_counts.pull_requests, 0) as share_with_ai_signal,
        cast(coalesce(pr_counts.pull_requests_with_negative_spans, 0) as integer) as pull_requests_with_negative_spans,
        cast(coalesce(pr_counts.merged_missing_first_commit, 0) as integer) as merged_missing_first_commit
    from pr_counts
    full outer join incident_counts
        on coalesce(pr_counts.repository, '(all)') = coalesce(incident_counts.repository, '(all)')

)

select * from final
