{#
    The deployment each incident is linked to, one row per incident (an issue carrying one of the incident
    labels of metrics.yaml, compared without regard to case). The link, most explicit first:
      1. a root-cause reference in the body, `root cause: <ref>` (any case, Markdown emphasis allowed):
         - a commit SHA (7 to 40 hex digits): the production deployment that shipped the pull request whose
           merge commit it is; else the first successful production deployment whose shipped range holds
           that default-branch commit; else the one that shipped the pull request having it among its own
           commits; else a successful production deployment of that commit: 'root_cause_sha';
         - a pull request (`#N`, `owner/repo#N` or its URL): the production deployment that shipped it:
           'root_cause_pull_request';
         - a deployment (the URL of its log, as its statuses give it, or its node id): that deployment:
           'root_cause_deployment';
      2. else the latest successful production deployment of the same repository that finished before the
         incident started: 'latest_before'.
    A reference that names nothing known falls through to 2. No deployment at all: deployment_id is null.

    Incidents of every other source — imported from files, PagerDuty, incident.io (int_external_incidents) —
    take the same path: their `reference` is the reference (an imported deployment is also named by its id in
    its own system, or its url), and "the same repository" is each of their mapped repositories: the one a
    file names, else every repository of the team it names; what yardstick.yaml maps a PagerDuty service or
    an incident.io field value or type to (a SHA is looked for in each of them as well).
#}
with incidents as (

    select * from {{ ref('stg_github__incidents') }}

),

definitions as (

    select * from {{ ref('stg_yardstick__definitions') }}

),

external_incidents as (

    select * from {{ ref('int_external_incidents') }}

),

deployments as (

    select * from {{ ref('int_deployments') }}

),

production as (

    select * from deployments
    where is_success and is_production

),

ranges as (

    select * from {{ ref('int_deployment_chain_ranges') }}
    where is_production and ships_new_commits

),

chain as (

    select * from {{ ref('int_default_branch_first_parent_chain') }}

),

pull_requests as (

    select pull_request_id, repository, number, merge_commit_oid
    from {{ ref('stg_github__pull_requests') }}
    where merged_at is not null

),

pull_request_commits as (

    select pull_request_id, repository, commit_oid
    from {{ ref('stg_github__pull_request_commits') }}

),

-- The production deployment that shipped each pull request: the first to finish.
pull_request_deployments as (

    select pull_request_id, deployment_id
    from (
        select
            pull_request_id,
            deployment_id,
            row_number() over (
                partition by pull_request_id
                order by deployment_finished_at, deployment_id
            ) as deployment_rank
        from {{ ref('int_deployment_pull_requests') }}
        where is_production
    ) as ranked
    where deployment_rank = 1

),

deployment_log_urls as (

    select distinct
        deployment_id,
        rtrim({{ json_text('status', 'logUrl') }}, '/') as log_url
    from (
        select
            deployment_id,
            {{ unnest_json_array('payload', 'statuses.nodes') }} as status
        from {{ ref('stg_github__deployments') }}
    ) as unnested
    where {{ json_text('status', 'logUrl') }} is not null

),

labelled as (

    select incidents.*
    from incidents
    cross join definitions
    where {{ lists_overlap_ignoring_case('incidents.labels', 'definitions.incident_labels') }}

),

named_targets as (

    select
        incident_id,
        repository,
        created_at,
        -- The reference: the first word after "root cause:", without trailing punctuation.
        {{ regexp_capture('body', '(?i)root[ _-]?cause[*_]*\\s*:[*_]*\\s*([^\\s,;)\\]]+?)[.]?(?:\\s|$|[,;)\\]])', 1) }}
            as root_cause
    from labelled

    union all

    select incident_id, repository, created_at, reference as root_cause
    from external_incidents

),

-- The repositories an incident belongs to: a GitHub incident's own; another source's mapped repositories.
incident_repositories as (

    select incident_id, repository, created_at
    from labelled

    union all

    select external_incidents.incident_id, mapped.repository, external_incidents.created_at
    from external_incidents
    cross join unnest(external_incidents.mapped_repositories) as mapped(repository)

),

classified as (

    select
        *,
        lower({{ regexp_capture('root_cause', '^([0-9a-fA-F]{7,40})$', 1) }}) as root_cause_sha,
        coalesce(
            {{ regexp_capture('root_cause', '^([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#[0-9]+$', 1) }},
            {{ regexp_capture('root_cause', '^https?://[^/]+/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/pull/[0-9]+', 1) }},
            case when {{ regexp_capture('root_cause', '^(#)[0-9]+$', 1) }} is not null then repository end
        ) as root_cause_repository,
        cast(coalesce(
            {{ regexp_capture('root_cause', '^(?:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)?#([0-9]+)$', 1) }},
            {{ regexp_capture('root_cause', '^https?://[^/]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/pull/([0-9]+)', 1) }}
        ) as integer) as root_cause_number,
        rtrim({{ regexp_capture('root_cause', '^(https?://.+)$', 1) }}, '/') as root_cause_url
    from named_targets

),

by_sha_pull_request as (

    select
        classified.incident_id,
        pull_request_deployments.deployment_id,
        1 as priority,
        'root_cause_sha' as link_method
    from classified
    inner join incident_repositories
        on classified.incident_id = incident_repositories.incident_id
    inner join pull_requests
        on incident_repositories.repository = pull_requests.repository
        and substring(pull_requests.merge_commit_oid, 1, 7) = substring(classified.root_cause_sha, 1, 7)
        and substring(pull_requests.merge_commit_oid, 1, length(classified.root_cause_sha)) = classified.root_cause_sha
    inner join pull_request_deployments
        on pull_requests.pull_request_id = pull_request_deployments.pull_request_id

),

-- A SHA of one of a pull request's own commits (merged with a merge commit, or before a squash).
by_sha_pull_request_commit as (

    select
        classified.incident_id,
        pull_request_deployments.deployment_id,
        50 as priority,
        'root_cause_sha' as link_method
    from classified
    inner join incident_repositories
        on classified.incident_id = incident_repositories.incident_id
    inner join pull_request_commits
        on incident_repositories.repository = pull_request_commits.repository
        and substring(pull_request_commits.commit_oid, 1, 7) = substring(classified.root_cause_sha, 1, 7)
        and substring(pull_request_commits.commit_oid, 1, length(classified.root_cause_sha)) = classified.root_cause_sha
    inner join pull_request_deployments
        on pull_request_commits.pull_request_id = pull_request_deployments.pull_request_id

),

by_sha_chain as (

    select
        classified.incident_id,
        ranges.deployment_id,
        -- The first production environment to ship it.
        1 + row_number() over (
            partition by classified.incident_id
            order by ranges.finished_at, ranges.deployment_id
        ) as priority,
        'root_cause_sha' as link_method
    from classified
    inner join incident_repositories
        on classified.incident_id = incident_repositories.incident_id
    inner join chain
        on incident_repositories.repository = chain.repository
        and substring(chain.commit_oid, 1, 7) = substring(classified.root_cause_sha, 1, 7)
        and substring(chain.commit_oid, 1, length(classified.root_cause_sha)) = classified.root_cause_sha
    inner join ranges
        on chain.repository = ranges.repository
        and chain.chain_position > ranges.shipped_after_position
        and chain.chain_position <= ranges.contained_position

),

by_sha_deployment as (

    select
        classified.incident_id,
        production.deployment_id,
        100 + row_number() over (
            partition by classified.incident_id
            order by production.finished_at, production.deployment_id
        ) as priority,
        'root_cause_sha' as link_method
    from classified
    inner join incident_repositories
        on classified.incident_id = incident_repositories.incident_id
    inner join production
        on incident_repositories.repository = production.repository
        and substring(production.commit_oid, 1, 7) = substring(classified.root_cause_sha, 1, 7)
        and substring(production.commit_oid, 1, length(classified.root_cause_sha)) = classified.root_cause_sha

),

by_pull_request as (

    select
        classified.incident_id,
        pull_request_deployments.deployment_id,
        1 as priority,
        'root_cause_pull_request' as link_method
    from classified
    inner join pull_requests
        on lower(classified.root_cause_repository) = lower(pull_requests.repository)
        and classified.root_cause_number = pull_requests.number
    inner join pull_request_deployments
        on pull_requests.pull_request_id = pull_request_deployments.pull_request_id

),

by_deployment as (

    select
        classified.incident_id,
        deployments.deployment_id,
        -- Several deployments behind one log (a retried job): a successful production one first.
        1 + row_number() over (
            partition by classified.incident_id
            order by
                case when deployments.is_success and deployments.is_production then 0 else 1 end,
                deployments.finished_at desc nulls last,
                deployments.deployment_id
        ) as priority,
        'root_cause_deployment' as link_method
    from classified
    inner join (
        select deployment_id, log_url as reference from deployment_log_urls
        union all
        select deployment_id, deployment_id as reference from deployments
        union all
        -- An imported deployment: its id in its own system, and its url; a workflow run's deployment: its url.
        select deployment_id, external_id as reference from deployments
        where source = 'file'
        union all
        select deployment_id, rtrim(log_url, '/') as reference from deployments
        where source in ('file', 'workflow') and log_url is not null
    ) as deployment_references
        on coalesce(classified.root_cause_url, classified.root_cause) = deployment_references.reference
    inner join deployments
        on deployment_references.deployment_id = deployments.deployment_id

),

-- DevLake's rule: the latest successful production deployment of the repository that finished before the
-- incident started, found in one ordered pass over finishes and starts (a finish at the very moment of the
-- start sorts after it, so it does not count). An incident of several repositories (an imported one naming a
-- team) takes the latest over all of them.
time_stream as (

    select repository, created_at as event_at, 0 as is_deployment, incident_id
    from incident_repositories

    union all

    select repository, finished_at as event_at, 1 as is_deployment, cast(null as varchar) as incident_id
    from production

),

previous_finish as (

    select
        *,
        max(case when is_deployment = 1 then event_at end) over (
            partition by repository
            order by event_at, is_deployment
            rows between unbounded preceding and current row
        ) as finished_before
    from time_stream

),

latest_before as (

    select incident_id, deployment_id, 1000 as priority, 'latest_before' as link_method
    from (
        select
            previous_finish.incident_id,
            production.deployment_id,
            row_number() over (
                partition by previous_finish.incident_id
                order by production.finished_at desc, production.deployment_id desc
            ) as latest_rank
        from previous_finish
        inner join production
            on previous_finish.repository = production.repository
            and previous_finish.finished_before = production.finished_at
        where previous_finish.is_deployment = 0
    ) as ranked
    where latest_rank = 1

),

links as (

    select * from by_sha_pull_request
    union all
    select * from by_sha_pull_request_commit
    union all
    select * from by_sha_chain
    union all
    select * from by_sha_deployment
    union all
    select * from by_pull_request
    union all
    select * from by_deployment
    union all
    select * from latest_before

),

best_link as (

    select incident_id, deployment_id, link_method
    from (
        select
            *,
            row_number() over (partition by incident_id order by priority, deployment_id) as link_rank
        from links
    ) as ranked
    where link_rank = 1

),

final as (

    select
        classified.incident_id,
        classified.repository,
        classified.created_at as started_at,
        classified.root_cause,
        best_link.deployment_id,
        best_link.link_method
    from classified
    left join best_link
        on classified.incident_id = best_link.incident_id

)

select * from final
