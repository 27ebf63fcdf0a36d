-- One row per pull request: its whole life (timestamps and the four phases), its size, who wrote it and
-- with what AI evidence, the team it counts for, who merged it and on what review and checks, and what
-- happened after the merge (deployment, revert, incident, CI). Durations are hours; a negative span is a data
-- error: null here, and counted.

with pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

pull_request_commits as (

    select * from {{ ref('stg_github__pull_request_commits') }}

),

authorship as (

    select * from {{ ref('int_pull_requests_authorship') }}

),

reviews as (

    select * from {{ ref('int_pull_requests_reviews') }}

),

delivery as (

    select * from {{ ref('int_pull_requests_delivery') }}

),

team_members as (

    select * from {{ ref('stg_yardstick__team_members') }}

),

team_repos as (

    select * from {{ ref('stg_yardstick__team_repos') }}

),

size_buckets as (

    select * from {{ ref('stg_yardstick__size_buckets') }}

),

definitions as (

    select * from {{ ref('stg_yardstick__definitions') }}

),

first_commits as (

    select
        pull_request_id,
        min(authored_at) as first_commit_at
    from pull_request_commits
    group by pull_request_id

),

-- GitHub logins and repository names are case-insensitive. A login or repository listed under two teams
-- belongs to the alphabetically first, so attribution never depends on the order in yardstick.yaml.
member_teams as (

    select lower(login) as login_key, min(team) as team
    from team_members
    group by lower(login)

),

repo_teams as (

    select lower(repository) as repository_key, min(team) as team
    from team_repos
    group by lower(repository)

),

joined as (

    select
        pull_requests.*,
        first_commits.first_commit_at,
        authorship.authorship_class,
        authorship.opened_by_ai_account,
        authorship.ai_reviewed,
        authorship.has_ai_signal,
        authorship.ai_tools_text as ai_tools,
        authorship.primary_ai_tool,
        authorship.strongest_evidence,
        authorship.strongest_evidence_where,
        authorship.confidence as authorship_confidence,
        authorship.initiated_by,
        reviews.first_review_at,
        reviews.first_reviewer_login,
        reviews.first_approval_at,
        reviews.review_rounds,
        -- Null without a human review: metrics.yaml counts only reviewed pull requests (n is theirs).
        reviews.commits_after_first_review,
        reviews.human_review_count,
        reviews.bot_review_count,
        reviews.ai_review_count,
        reviews.independent_review_count,
        reviews.independent_approval_count,
        delivery.production_deployment_id,
        delivery.production_deployed_at,
        delivery.deploy_link_method,
        coalesce(delivery.shipped_with_incident, false) as shipped_with_incident,
        delivery.reverted_by_pull_request_id,
        delivery.reverted_at,
        coalesce(delivery.reverted_within_window, false) as reverted_within_window,
        delivery.reverts_pull_request_id,
        coalesce(delivery.ci_runs, 0) as ci_runs,
        coalesce(delivery.ci_failures, 0) as ci_failures,
        delivery.merged_with_failing_ci,
        -- Team (metrics.yaml team_attribution): person_first = the author's; for agent work the person who
        -- asked the agent; else the repository's. repository_first = the repository's, else the person's.
        case
            when (select max(team_attribution) from definitions) = 'repository_first'
                then coalesce(
                    repo_teams.team,
                    author_team.team,
                    case when authorship.authorship_class = 'ai_authored' then initiator_team.team end,
                    'unassigned'
                )
            else coalesce(
                author_team.team,
                case when authorship.authorship_class = 'ai_authored' then initiator_team.team end,
                repo_teams.team,
                'unassigned'
            )
        end as team
    from pull_requests
    left join first_commits on pull_requests.pull_request_id = first_commits.pull_request_id
    left join authorship on pull_requests.pull_request_id = authorship.pull_request_id
    left join reviews on pull_requests.pull_request_id = reviews.pull_request_id
    left join delivery on pull_requests.pull_request_id = delivery.pull_request_id
    left join member_teams as author_team on lower(pull_requests.author_login) = author_team.login_key
    left join member_teams as initiator_team on lower(authorship.initiated_by) = initiator_team.login_key
    left join repo_teams on lower(pull_requests.repository) = repo_teams.repository_key

),

spans as (

    select
        *,
        {{ hours_between('first_commit_at', 'created_at') }} as coding_span,
        {{ hours_between('created_at', 'ready_for_review_at') }} as draft_span,
        {{ hours_between('ready_for_review_at', 'first_review_at') }} as pickup_span,
        {{ hours_between('first_review_at', 'merged_at') }} as review_span,
        {{ hours_between('merged_at', 'production_deployed_at') }} as deploy_span,
        {{ hours_between('first_commit_at', 'merged_at') }} as cycle_span,
        {{ hours_between('first_commit_at', 'production_deployed_at') }} as lead_span,
        {{ hours_between('created_at', 'merged_at') }} as merge_span,
        coalesce(additions, 0) + coalesce(deletions, 0) as size_lines
    from joined

),

final as (

    select
        spans.pull_request_id,
        spans.repository,
        spans.number,
        spans.title,
        spans.url,
        spans.author_login,
        spans.author_type,
        spans.team,
        spans.state,
        spans.is_draft,
        spans.first_commit_at,
        spans.created_at,
        spans.ready_for_review_at,
        spans.first_review_at,
        spans.first_approval_at,
        spans.closed_at,
        spans.merged_at,
        spans.production_deployed_at,
        spans.merged_at is not null as is_merged,
        spans.merged_by_login,
        case when spans.merge_span >= 0 then spans.merge_span end as time_to_merge_hours,
        case when spans.coding_span >= 0 then spans.coding_span end as coding_hours,
        case when spans.draft_span >= 0 then spans.draft_span end as draft_hours,
        case when spans.pickup_span >= 0 then spans.pickup_span end as pickup_hours,
        case when spans.review_span >= 0 then spans.review_span end as review_hours,
        case when spans.deploy_span >= 0 then spans.deploy_span end as deploy_hours,
        case when spans.cycle_span >= 0 then spans.cycle_span end as cycle_time_hours,
        case when spans.lead_span >= 0 then spans.lead_span end as lead_time_hours,
        cast(
            (case when spans.coding_span < 0 then 1 else 0 end)
            + (case when spans.draft_span < 0 then 1 else 0 end)
            + (case when spans.pickup_span < 0 then 1 else 0 end)
            + (case when spans.review_span < 0 then 1 else 0 end)
            + (case when spans.deploy_span < 0 then 1 else 0 end)
            as integer
        ) as negative_spans,
        spans.additions,
        spans.deletions,
        spans.changed_files,
        cast(spans.size_lines as integer) as size_lines,
        size_buckets.bucket as size_bucket,
        spans.commit_count,
        spans.review_count,
        coalesce(spans.authorship_class, 'unmarked') as authorship_class,
        coalesce(spans.opened_by_ai_account, false) as is_agent_opened,
        coalesce(spans.ai_reviewed, false) as ai_reviewed,
        coalesce(spans.has_ai_signal, false) as has_ai_signal,
        spans.ai_tools,
        spans.primary_ai_tool,
        spans.strongest_evidence,
        spans.strongest_evidence_where,
        spans.authorship_confidence,
        spans.initiated_by,
        spans.first_reviewer_login,
        cast(coalesce(spans.review_rounds, 0) as integer) as review_rounds,
        cast(spans.commits_after_first_review as integer) as commits_after_first_review,
        cast(coalesce(spans.human_review_count, 0) as integer) as human_review_count,
        cast(coalesce(spans.bot_review_count, 0) as integer) + cast(coalesce(spans.ai_review_count, 0) as integer)
            as bot_review_count,
        -- Human in the loop: null unless merged, since they describe what a merge went through with and an open
        -- pull request can still get its approval. The person who asked the agent cannot vouch for its work, so
        -- neither their approval nor their own comments count as another person's review.
        case when spans.merged_at is not null then coalesce(spans.independent_approval_count, 0) > 0 end
            as has_independent_approval,
        case
            when spans.merged_at is not null
                then coalesce(
                    spans.authorship_class = 'ai_authored'
                    and not {{ login_is_bot('spans.merged_by_login', 'spans.merged_by_type') }}
                    and lower(spans.merged_by_login) = lower(spans.initiated_by)
                    and coalesce(spans.independent_review_count, 0) = 0,
                    false
                )
        end as merged_by_initiator_without_review,
        case when spans.merged_at is not null then coalesce(spans.merged_with_failing_ci, false) end
            as merged_with_failing_ci,
        spans.production_deployment_id,
        spans.deploy_link_method,
        spans.reverted_within_window,
        spans.reverted_by_pull_request_id,
        spans.reverted_at,
        spans.reverts_pull_request_id,
        spans.shipped_with_incident,
        cast(spans.ci_runs as integer) as ci_runs,
        cast(spans.ci_failures as integer) as ci_failures,
        spans.extracted_at
    from spans
    left join size_buckets
        on spans.size_lines >= size_buckets.min_lines
        and (size_buckets.max_lines is null or spans.size_lines <= size_buckets.max_lines)

)

select * from final
