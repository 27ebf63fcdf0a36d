with pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

commits as (

    select * from {{ ref('stg_github__pull_request_commits') }}

),

trailers as (

    select * from {{ ref('int_commit_trailers') }}

),

reviews as (

    select * from {{ ref('stg_github__pull_request_reviews') }}

),

signals as (

    select * from {{ ref('stg_yardstick__ai_signals') }}

),

definitions as (

    select * from {{ ref('stg_yardstick__definitions') }}

),

-- A login signal written `name[bot]` matches only the App's bot account (GraphQL: `name` of type Bot; git
-- and REST: `name[bot]`); one without the suffix matches the login whatever the account's type.
login_signals as (

    select
        *,
        {{ login_name_key('pattern') }} as login_name,
        lower(pattern) like '%[bot]' as bot_only
    from signals
    where kind in ('agent_login', 'automation_login', 'ai_reviewer_login')

),

-- The login behind each commit's author: the account GitHub matched, else the one in a no-reply e-mail
-- (`49699333+dependabot[bot]@users.noreply.github.com`, which is how bots and agents appear in git).
commit_identities as (

    select
        pull_request_id,
        commit_oid,
        author_name,
        lower(author_email) as author_email,
        coalesce(author_login, {{ noreply_email_login('author_email') }}) as identity_login
    from commits

),

-- ---------------------------------------------------------------------------------------------------------
-- Accounts: who opened the pull request, who authored its commits, who reviewed it.
-- ---------------------------------------------------------------------------------------------------------

pull_request_authors as (

    select
        pull_request_id,
        author_login as login,
        {{ login_is_bot('author_login', 'author_type') }} as is_bot
    from pull_requests
    where author_login is not null

),

pull_request_author_matches as (

    select
        authors.pull_request_id,
        login_signals.signal,
        login_signals.tool,
        login_signals.kind,
        login_signals.strength,
        login_signals.authorship,
        'pull_request_author' as where_found,
        cast(null as {{ dbt.type_string() }}) as found_in,
        authors.login as matched_text
    from pull_request_authors as authors
    inner join login_signals
        on {{ login_name_key('authors.login') }} = login_signals.login_name
        and (not login_signals.bot_only or authors.is_bot)

),

commit_authors as (

    select
        pull_request_id,
        commit_oid,
        identity_login as login,
        coalesce(lower(identity_login) like '%[bot]', false) as is_bot
    from commit_identities
    where identity_login is not null

),

-- AI reviewer accounts count on pull request authors (an App that opens a pull request did the work) but
-- not on commit authors, where agent and automation accounts are what the rules ask about.
commit_author_login_matches as (

    select
        commit_authors.pull_request_id,
        login_signals.signal,
        login_signals.tool,
        login_signals.kind,
        login_signals.strength,
        login_signals.authorship,
        'commit_author' as where_found,
        commit_authors.commit_oid as found_in,
        commit_authors.login as matched_text
    from commit_authors
    inner join login_signals
        on {{ login_name_key('commit_authors.login') }} = login_signals.login_name
        and (not login_signals.bot_only or commit_authors.is_bot)
    where login_signals.kind in ('agent_login', 'automation_login')

),

-- With other_bots_are_automation, a bot that no login signal names is automation (per-repository release
-- bots and the like). Recorded as the pseudo-signal `other_bot_account`.
other_bot_authors as (

    select
        pull_request_id,
        'pull_request_author' as where_found,
        cast(null as {{ dbt.type_string() }}) as found_in,
        login,
        is_bot
    from pull_request_authors

    union all

    select
        pull_request_id,
        'commit_author' as where_found,
        commit_oid as found_in,
        login,
        is_bot
    from commit_authors

),

other_bot_matches as (

    select
        other_bot_authors.pull_request_id,
        'other_bot_account' as signal,
        {{ login_name_key('other_bot_authors.login') }} as tool,
        'automation_login' as kind,
        'likely' as strength,
        'automation' as authorship,
        other_bot_authors.where_found,
        other_bot_authors.found_in,
        other_bot_authors.login as matched_text
    from other_bot_authors
    cross join definitions
    where definitions.other_bots_are_automation
        and other_bot_authors.is_bot
        and not exists (
            select 1
            from login_signals
            where login_signals.login_name = {{ login_name_key('other_bot_authors.login') }}
        )

),

review_matches as (

    select
        reviews.pull_request_id,
        login_signals.signal,
        login_signals.tool,
        login_signals.kind,
        login_signals.strength,
        login_signals.authorship,
        'review' as where_found,
        reviews.review_id as found_in,
        reviews.author_login as matched_text
    from reviews
    inner join login_signals
        on {{ login_name_key('reviews.author_login') }} = login_signals.login_name
        and (not login_signals.bot_only or {{ login_is_bot('reviews.author_login', 'reviews.author_type') }})
    where login_signals.kind = 'ai_reviewer_login'
        and coalesce(reviews.state, '') <> 'PENDING'

),

-- ---------------------------------------------------------------------------------------------------------
-- Git identities and text. Regular expressions are data here, which DuckDB compiles afresh for every row it
-- runs on: they run on distinct values (e-mails, trailers), and only where the pattern's required text
-- occurs. The check sits in a CASE, whose branch runs only where its condition holds (in a plain AND the
-- optimiser may run the expression first).
-- ---------------------------------------------------------------------------------------------------------

author_emails as (

    select distinct author_email
    from commit_identities
    where author_email is not null

),

author_email_signal_matches as (

    select
        author_emails.author_email,
        signals.*
    from author_emails
    inner join signals
        on signals.kind = 'author_email'
    where {{ signal_matches('author_emails.author_email') }}

),

author_email_matches as (

    select
        commit_identities.pull_request_id,
        matched.signal,
        matched.tool,
        matched.kind,
        matched.strength,
        matched.authorship,
        'commit_author' as where_found,
        commit_identities.commit_oid as found_in,
        commit_identities.author_email as matched_text
    from commit_identities
    inner join author_email_signal_matches as matched
        on commit_identities.author_email = matched.author_email

),

author_name_matches as (

    select
        commit_identities.pull_request_id,
        signals.signal,
        signals.tool,
        signals.kind,
        signals.strength,
        signals.authorship,
        'commit_author' as where_found,
        commit_identities.commit_oid as found_in,
        commit_identities.author_name as matched_text
    from commit_identities
    inner join signals
        on signals.kind = 'author_name_suffix'
        and length(commit_identities.author_name) >= length(signals.pattern)
        and {{ dbt.right('lower(commit_identities.author_name)', 'length(signals.pattern)') }} = lower(signals.pattern)

),

trailer_emails as (

    select distinct trailer_email
    from trailers
    where trailer_email is not null

),

trailer_email_signal_matches as (

    select
        trailer_emails.trailer_email,
        signals.*
    from trailer_emails
    inner join signals
        on signals.kind = 'trailer_email'
    where {{ signal_matches('trailer_emails.trailer_email') }}

),

trailer_texts as (

    select distinct trailer_text
    from trailers

),

trailer_text_signal_matches as (

    select
        trailer_texts.trailer_text,
        signals.*
    from trailer_texts
    inner join signals
        on signals.kind = 'trailer_name'
    where {{ signal_matches('trailer_texts.trailer_text') }}

),

matched_trailers as (

    select
        trailers.commit_oid,
        trailers.trailer_text,
        matched.signal,
        matched.tool,
        matched.kind,
        matched.strength,
        matched.authorship
    from trailers
    inner join trailer_email_signal_matches as matched
        on trailers.trailer_email = matched.trailer_email

    union all

    select
        trailers.commit_oid,
        trailers.trailer_text,
        matched.signal,
        matched.tool,
        matched.kind,
        matched.strength,
        matched.authorship
    from trailers
    inner join trailer_text_signal_matches as matched
        on trailers.trailer_text = matched.trailer_text

),

trailer_matches as (

    select
        commits.pull_request_id,
        matched_trailers.signal,
        matched_trailers.tool,
        matched_trailers.kind,
        matched_trailers.strength,
        matched_trailers.authorship,
        'commit_trailer' as where_found,
        commits.commit_oid as found_in,
        matched_trailers.trailer_text as matched_text
    from commits
    inner join matched_trailers
        on commits.commit_oid = matched_trailers.commit_oid

),

distinct_messages as (

    select
        commit_oid,
        max(message) as message
    from commits
    where message is not null
    group by commit_oid

),

message_signal_matches as (

    select
        distinct_messages.commit_oid,
        signals.signal,
        signals.tool,
        signals.kind,
        signals.strength,
        signals.authorship,
        {{ regexp_extract_multiline_ignoring_case('distinct_messages.message', 'signals.pattern') }} as matched_text
    from distinct_messages
    inner join signals
        on signals.kind = 'message_footer'
    where {{ signal_matches('distinct_messages.message', multiline=true) }}

    union all

    select
        distinct_messages.commit_oid,
        signals.signal,
        signals.tool,
        signals.kind,
        signals.strength,
        signals.authorship,
        substr(distinct_messages.message, 1, length(signals.pattern)) as matched_text
    from distinct_messages
    inner join signals
        on signals.kind = 'message_prefix'
        and lower(substr(distinct_messages.message, 1, length(signals.pattern))) = lower(signals.pattern)

),

message_matches as (

    select
        commits.pull_request_id,
        message_signal_matches.signal,
        message_signal_matches.tool,
        message_signal_matches.kind,
        message_signal_matches.strength,
        message_signal_matches.authorship,
        'commit_message' as where_found,
        commits.commit_oid as found_in,
        message_signal_matches.matched_text
    from commits
    inner join message_signal_matches
        on commits.commit_oid = message_signal_matches.commit_oid

),

body_matches as (

    select
        pull_requests.pull_request_id,
        signals.signal,
        signals.tool,
        signals.kind,
        signals.strength,
        signals.authorship,
        'pull_request_body' as where_found,
        cast(null as {{ dbt.type_string() }}) as found_in,
        {{ regexp_extract_multiline_ignoring_case('pull_requests.body', 'signals.pattern') }} as matched_text
    from pull_requests
    inner join signals
        on signals.kind in ('body_footer', 'body_link')
    where pull_requests.body is not null
        and {{ signal_matches('pull_requests.body', multiline=true) }}

),

branch_matches as (

    select
        pull_requests.pull_request_id,
        signals.signal,
        signals.tool,
        signals.kind,
        signals.strength,
        signals.authorship,
        'head_branch' as where_found,
        cast(null as {{ dbt.type_string() }}) as found_in,
        pull_requests.head_ref_name as matched_text
    from pull_requests
    inner join signals
        on signals.kind = 'branch_prefix'
        and lower(substr(pull_requests.head_ref_name, 1, length(signals.pattern))) = lower(signals.pattern)

),

all_matches as (

    select * from pull_request_author_matches
    union all
    select * from commit_author_login_matches
    union all
    select * from other_bot_matches
    union all
    select * from review_matches
    union all
    select * from author_email_matches
    union all
    select * from author_name_matches
    union all
    select * from trailer_matches
    union all
    select * from message_matches
    union all
    select * from body_matches
    union all
    select * from branch_matches

),

-- One piece of evidence per signal and place: two matching trailers in one commit are one piece.
final as (

    select
        {{ surrogate_key(['pull_request_id', 'signal', 'where_found', 'found_in']) }} as evidence_id,
        pull_request_id,
        signal,
        tool,
        kind,
        strength,
        authorship,
        where_found,
        found_in,
        min(matched_text) as matched_text
    from all_matches
    group by pull_request_id, signal, tool, kind, strength, authorship, where_found, found_in

)

select * from final
