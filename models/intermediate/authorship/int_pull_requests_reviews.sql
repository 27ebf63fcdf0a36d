with pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

reviews as (

    select * from {{ ref('stg_github__pull_request_reviews') }}

),

commits as (

    select * from {{ ref('stg_github__pull_request_commits') }}

),

signals as (

    select * from {{ ref('stg_yardstick__ai_signals') }}

),

authorship as (

    select pull_request_id, initiated_by from {{ ref('int_pull_requests_authorship') }}

),

login_signals as (

    select
        kind,
        {{ login_name_key('pattern') }} as login_name,
        lower(pattern) like '%[bot]' as bot_only
    from signals
    where kind in ('agent_login', 'automation_login', 'ai_reviewer_login')

),

submitted_reviews as (

    select
        reviews.review_id,
        reviews.pull_request_id,
        reviews.state,
        reviews.submitted_at,
        reviews.author_login,
        reviews.author_type,
        {{ actor_key('reviews.author_login', 'reviews.author_type') }} = {{ actor_key('pull_requests.author_login', 'pull_requests.author_type') }}
            as is_by_author,
        {{ login_is_bot('reviews.author_login', 'reviews.author_type') }} as is_bot_account,
        -- The person who asked an agent for the work cannot vouch for it: their review is not independent.
        coalesce(lower(reviews.author_login) = lower(authorship.initiated_by), false) as is_by_initiator,
        -- Only what was submitted by the merge gated it; an approval after the fact did not.
        pull_requests.merged_at is null or reviews.submitted_at <= pull_requests.merged_at as is_before_merge
    from reviews
    inner join pull_requests
        on reviews.pull_request_id = pull_requests.pull_request_id
    left join authorship
        on reviews.pull_request_id = authorship.pull_request_id
    where reviews.submitted_at is not null
        and coalesce(reviews.state, '') <> 'PENDING'

),

reviewer_accounts as (

    select
        submitted_reviews.review_id,
        max(case when login_signals.kind = 'ai_reviewer_login' then 1 else 0 end) as is_ai_reviewer,
        max(case when login_signals.kind in ('agent_login', 'automation_login') then 1 else 0 end) as is_listed_bot
    from submitted_reviews
    inner join login_signals
        on {{ login_name_key('submitted_reviews.author_login') }} = login_signals.login_name
        and (not login_signals.bot_only or submitted_reviews.is_bot_account)
    group by submitted_reviews.review_id

),

-- Who a review is by decides whether it can be the first review: a person other than the author. AI
-- reviewers and other bots answer within minutes and would drive pickup to zero; they are counted apart.
-- A review by a deleted account (no login) is taken as a person's.
reviews_with_role as (

    select
        submitted_reviews.*,
        case
            when coalesce(submitted_reviews.is_by_author, false) then 'author'
            when coalesce(reviewer_accounts.is_ai_reviewer, 0) = 1 then 'ai_reviewer'
            when submitted_reviews.is_bot_account or coalesce(reviewer_accounts.is_listed_bot, 0) = 1 then 'bot'
            else 'human'
        end as reviewer_role
    from submitted_reviews
    left join reviewer_accounts
        on submitted_reviews.review_id = reviewer_accounts.review_id

),

ranked_human_reviews as (

    select
        *,
        row_number() over (
            partition by pull_request_id
            order by submitted_at, review_id
        ) as review_rank,
        row_number() over (
            partition by pull_request_id
            order by case when state = 'APPROVED' then 0 else 1 end, submitted_at, review_id
        ) as approval_rank
    from reviews_with_role
    where reviewer_role = 'human'

),

first_reviews as (

    select
        pull_request_id,
        submitted_at as first_review_at,
        author_login as first_reviewer_login
    from ranked_human_reviews
    where review_rank = 1

),

first_approvals as (

    select
        pull_request_id,
        submitted_at as first_approval_at,
        author_login as first_approver_login
    from ranked_human_reviews
    where approval_rank = 1 and state = 'APPROVED'

),

review_counts as (

    select
        pull_request_id,
        sum(case when reviewer_role = 'human' then 1 else 0 end) as human_review_count,
        sum(case when reviewer_role = 'human' and state = 'CHANGES_REQUESTED' then 1 else 0 end) as review_rounds,
        count(distinct case when reviewer_role = 'human' then lower(author_login) end) as human_reviewer_count,
        sum(case when reviewer_role = 'bot' then 1 else 0 end) as bot_review_count,
        sum(case when reviewer_role = 'ai_reviewer' then 1 else 0 end) as ai_review_count,
        min(case when reviewer_role = 'ai_reviewer' then submitted_at end) as first_ai_review_at,
        sum(case when reviewer_role = 'author' then 1 else 0 end) as author_review_count,
        sum(case
            when reviewer_role = 'human' and not is_by_initiator and is_before_merge then 1 else 0
        end) as independent_review_count,
        sum(case
            when reviewer_role = 'human' and not is_by_initiator and is_before_merge and state = 'APPROVED' then 1
            else 0
        end) as independent_approval_count
    from reviews_with_role
    group by pull_request_id

),

-- Rework after review: the pull request's commits committed after the first review.
commits_after as (

    select
        commits.pull_request_id,
        count(*) as commits_after_first_review
    from commits
    inner join first_reviews
        on commits.pull_request_id = first_reviews.pull_request_id
    where commits.committed_at > first_reviews.first_review_at
    group by commits.pull_request_id

),

final as (

    select
        pull_requests.pull_request_id,
        first_reviews.first_review_at,
        first_reviews.first_reviewer_login,
        first_approvals.first_approval_at,
        first_approvals.first_approver_login,
        cast(coalesce(review_counts.review_rounds, 0) as integer) as review_rounds,
        cast(
            case when first_reviews.first_review_at is not null then coalesce(commits_after.commits_after_first_review, 0) end
            as integer
        ) as commits_after_first_review,
        cast(coalesce(review_counts.human_review_count, 0) as integer) as human_review_count,
        cast(coalesce(review_counts.human_reviewer_count, 0) as integer) as human_reviewer_count,
        cast(coalesce(review_counts.bot_review_count, 0) as integer) as bot_review_count,
        cast(coalesce(review_counts.ai_review_count, 0) as integer) as ai_review_count,
        review_counts.first_ai_review_at,
        cast(coalesce(review_counts.author_review_count, 0) as integer) as author_review_count,
        cast(coalesce(review_counts.independent_review_count, 0) as integer) as independent_review_count,
        cast(coalesce(review_counts.independent_approval_count, 0) as integer) as independent_approval_count
    from pull_requests
    left join first_reviews
        on pull_requests.pull_request_id = first_reviews.pull_request_id
    left join first_approvals
        on pull_requests.pull_request_id = first_approvals.pull_request_id
    left join review_counts
        on pull_requests.pull_request_id = review_counts.pull_request_id
    left join commits_after
        on pull_requests.pull_request_id = commits_after.pull_request_id

)

select * from final
