with pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

reviews as (

    select * from {{ ref('stg_github__pull_request_reviews') }}

),

commits as (

    select * from {{ ref('stg_github__pull_request_commits') }}

),

authorship as (

    select * from {{ ref('int_pull_requests_authorship') }}

),

evidence as (

    select * from {{ ref('int_pull_request_ai_evidence') }}

),

signals as (

    select * from {{ ref('stg_yardstick__ai_signals') }}

),

definitions as (

    select * from {{ ref('stg_yardstick__definitions') }}

),

team_members as (

    select * from {{ ref('stg_yardstick__team_members') }}

),

-- Every account seen acting on a pull request, in the spelling it was seen in (GraphQL's `dependabot`
-- of type Bot, git's `dependabot[bot]`), under one canonical key.
appearances as (

    select
        {{ actor_key('author_login', 'author_type') }} as author_key,
        author_login as login,
        {{ login_is_bot('author_login', 'author_type') }} as is_bot,
        'opened' as role,
        created_at as seen_at
    from pull_requests
    where author_login is not null

    union all

    select
        {{ actor_key('author_login', 'author_type') }} as author_key,
        author_login as login,
        {{ login_is_bot('author_login', 'author_type') }} as is_bot,
        'reviewed' as role,
        submitted_at as seen_at
    from reviews
    where author_login is not null and submitted_at is not null

    union all

    select
        {{ actor_key('identity_login') }} as author_key,
        identity_login as login,
        {{ login_is_bot('identity_login') }} as is_bot,
        'committed' as role,
        authored_at as seen_at
    from (
        select
            coalesce(commits.author_login, {{ noreply_email_login('commits.author_email') }}) as identity_login,
            commits.authored_at
        from commits
        -- An agent's git identity (`198982749+Copilot@users.noreply.github.com`) is not a person's login:
        -- its commits are the agent's, which appears through the pull requests it opened.
        where not exists (
            select 1
            from evidence
            where evidence.pull_request_id = commits.pull_request_id
                and evidence.found_in = commits.commit_oid
                and evidence.where_found = 'commit_author'
                and evidence.kind = 'author_email'
                and evidence.authorship = 'ai_authored'
        )
    ) as commit_identities
    where identity_login is not null

    union all

    select
        {{ actor_key('authorship.initiated_by') }} as author_key,
        authorship.initiated_by as login,
        false as is_bot,
        'initiated' as role,
        pull_requests.created_at as seen_at
    from authorship
    inner join pull_requests
        on authorship.pull_request_id = pull_requests.pull_request_id
    where authorship.initiated_by is not null

),

accounts as (

    select
        author_key,
        -- GitHub's own spelling when one was seen (pull requests and reviews), else git's.
        coalesce(
            min(case when role in ('opened', 'reviewed') then login end),
            min(login)
        ) as login,
        max(case when is_bot then 1 else 0 end) = 1 as is_bot,
        cast(sum(case when role = 'opened' then 1 else 0 end) as integer) as pull_requests_opened,
        cast(sum(case when role = 'initiated' then 1 else 0 end) as integer) as pull_requests_initiated,
        cast(sum(case when role = 'reviewed' then 1 else 0 end) as integer) as reviews_submitted,
        cast(sum(case when role = 'committed' then 1 else 0 end) as integer) as commits_authored,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at
    from appearances
    group by author_key

),

login_signals as (

    select
        kind,
        tool,
        signal,
        {{ login_name_key('pattern') }} as login_name,
        lower(pattern) like '%[bot]' as bot_only
    from signals
    where kind in ('agent_login', 'automation_login', 'ai_reviewer_login')

),

-- What the catalogue says an account is; an agent listing beats a reviewer listing beats automation, so an
-- App that both reviews and writes code is an agent.
listed as (

    select
        accounts.author_key,
        login_signals.kind,
        login_signals.tool,
        row_number() over (
            partition by accounts.author_key
            order by
                case login_signals.kind when 'agent_login' then 1 when 'ai_reviewer_login' then 2 else 3 end,
                login_signals.signal
        ) as listing_rank
    from accounts
    inner join login_signals
        on {{ login_name_key('accounts.login') }} = login_signals.login_name
        and (not login_signals.bot_only or accounts.is_bot)

),

member_teams as (

    select
        lower(login) as login_key,
        min(team) as team
    from team_members
    group by lower(login)

),

final as (

    select
        accounts.author_key,
        accounts.login,
        accounts.is_bot,
        case
            when listed.kind = 'agent_login' then 'ai_agent'
            when listed.kind = 'ai_reviewer_login' then 'ai_reviewer'
            when listed.kind = 'automation_login' then 'automation'
            when accounts.is_bot and definitions.other_bots_are_automation then 'automation'
            when accounts.is_bot then 'bot'
            else 'person'
        end as author_kind,
        case
            when listed.tool is not null then listed.tool
            when accounts.is_bot then {{ login_name_key('accounts.login') }}
        end as tool,
        case when not accounts.is_bot and listed.kind is null then member_teams.team end as team,
        accounts.pull_requests_opened,
        accounts.pull_requests_initiated,
        accounts.reviews_submitted,
        accounts.commits_authored,
        accounts.first_seen_at,
        accounts.last_seen_at
    from accounts
    cross join definitions
    left join listed
        on accounts.author_key = listed.author_key
        and listed.listing_rank = 1
    left join member_teams
        on accounts.author_key = member_teams.login_key

)

select * from final
