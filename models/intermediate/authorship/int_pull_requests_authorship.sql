with pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

evidence as (

    select * from {{ ref('int_pull_request_ai_evidence') }}

),

commits as (

    select * from {{ ref('stg_github__pull_request_commits') }}

),

trailers as (

    select * from {{ ref('int_commit_trailers') }}

),

signals as (

    select * from {{ ref('stg_yardstick__ai_signals') }}

),

definitions as (

    select * from {{ ref('stg_yardstick__definitions') }}

),

-- Weak evidence is recorded but never decides a class.
deciding_evidence as (

    select * from evidence
    where strength in ('certain', 'likely')

),

-- ---------------------------------------------------------------------------------------------------------
-- Commits: how many are the pull request's own work, and how many of those an agent or a bot authored.
-- ---------------------------------------------------------------------------------------------------------

commit_author_evidence as (

    select
        pull_request_id,
        found_in as commit_oid,
        max(case when authorship = 'ai_authored' then 1 else 0 end) as is_agent_authored,
        max(case when authorship = 'automation' then 1 else 0 end) as is_automation_authored
    from deciding_evidence
    where where_found = 'commit_author'
    group by pull_request_id, found_in

),

-- Merge commits bring other people's work in (the base branch): they do not speak for who wrote the change.
classified_commits as (

    select
        commits.pull_request_id,
        commits.commit_oid,
        commits.authored_at,
        coalesce(
            lower(commits.message) like 'merge branch %'
            or lower(commits.message) like 'merge pull request #%'
            or lower(commits.message) like 'merge remote-tracking branch %'
            or lower(commits.message) like 'merge commit %',
            false
        ) as is_merge,
        coalesce(commit_author_evidence.is_agent_authored, 0) = 1 as is_agent_authored,
        coalesce(commit_author_evidence.is_automation_authored, 0) = 1 as is_automation_authored
    from commits
    left join commit_author_evidence
        on commits.pull_request_id = commit_author_evidence.pull_request_id
        and commits.commit_oid = commit_author_evidence.commit_oid

),

commit_counts as (

    select
        pull_request_id,
        count(*) as commit_count,
        sum(case when not is_merge then 1 else 0 end) as non_merge_commit_count,
        sum(case when not is_merge and is_agent_authored then 1 else 0 end) as agent_commit_count,
        sum(case when is_automation_authored then 1 else 0 end) as automation_commit_count
    from classified_commits
    group by pull_request_id

),

-- An agent's identity as the author of some of the commits (never a co-author trailer) says the agent wrote
-- those commits, not the pull request: a cloud agent that pushes review fixes to a person's pull request
-- helped with it. Only at ai_authored_commit_share of the non-merge commits is the agent the author.
commit_shares as (

    select
        commit_counts.pull_request_id,
        commit_counts.commit_count,
        commit_counts.non_merge_commit_count,
        commit_counts.agent_commit_count,
        commit_counts.automation_commit_count,
        commit_counts.agent_commit_count > 0
            and commit_counts.agent_commit_count
                >= definitions.ai_authored_commit_share * commit_counts.non_merge_commit_count
            as agent_commit_share_met
    from commit_counts
    cross join definitions

),

-- The agents whose identity authored at least one of the pull request's own (non-merge) commits.
agent_commit_tools as (

    select
        deciding_evidence.pull_request_id,
        deciding_evidence.tool
    from deciding_evidence
    inner join classified_commits
        on deciding_evidence.pull_request_id = classified_commits.pull_request_id
        and deciding_evidence.found_in = classified_commits.commit_oid
    where deciding_evidence.where_found = 'commit_author'
        and deciding_evidence.authorship = 'ai_authored'
        and not classified_commits.is_merge
    group by deciding_evidence.pull_request_id, deciding_evidence.tool

),

-- ---------------------------------------------------------------------------------------------------------
-- Evidence per tool, then per pull request: what each rule of the precedence sees.
-- ---------------------------------------------------------------------------------------------------------

evidence_rules as (

    select
        pull_request_id,
        tool,
        -- Opened by an AI account: an agent, or an AI reviewer's App that opened a pull request itself.
        max(case
            when where_found = 'pull_request_author' and kind in ('agent_login', 'ai_reviewer_login') then 1
            else 0
        end) as opened_by_ai_account,
        -- Certain signs that the agent did the work wherever the pull request came from (a session trailer, a
        -- task link); the agent's identity on commits is weighed by the share instead.
        max(case
            when authorship = 'ai_authored' and strength = 'certain' and where_found <> 'commit_author' then 1
            else 0
        end) as has_certain_agent_evidence,
        count(distinct case
            when authorship = 'ai_authored' and strength = 'likely' and where_found <> 'commit_author' then signal
        end) as likely_agent_signals,
        max(case when authorship = 'ai_assisted' then 1 else 0 end) as has_assisted_evidence,
        max(case
            when where_found = 'pull_request_author' and authorship = 'automation' then 1
            else 0
        end) as opened_by_automation
    from deciding_evidence
    group by pull_request_id, tool

),

tool_rules as (

    select
        evidence_rules.pull_request_id,
        evidence_rules.tool,
        evidence_rules.opened_by_ai_account,
        evidence_rules.has_certain_agent_evidence,
        evidence_rules.likely_agent_signals,
        evidence_rules.has_assisted_evidence,
        evidence_rules.opened_by_automation,
        case when agent_commit_tools.tool is null then 0 else 1 end as has_agent_commits,
        case
            when evidence_rules.opened_by_ai_account = 1
                or evidence_rules.has_certain_agent_evidence = 1
                -- A likely agent signal counts when another of the same agent agrees: a second likely one (a
                -- copilot/ branch and the agent's body line), or the agent as author of commits on the branch
                -- it named (claude/ with Claude's commits): the agent started the work there.
                or evidence_rules.likely_agent_signals >= 2
                or (evidence_rules.likely_agent_signals >= 1 and agent_commit_tools.tool is not null)
                then 1
            else 0
        end as decides_ai_authored
    from evidence_rules
    left join agent_commit_tools
        on evidence_rules.pull_request_id = agent_commit_tools.pull_request_id
        and evidence_rules.tool = agent_commit_tools.tool

),

rule_results as (

    select
        pull_requests.pull_request_id,
        coalesce(max(tool_rules.opened_by_automation), 0) = 1 as opened_by_automation,
        coalesce(max(tool_rules.opened_by_ai_account), 0) = 1 as opened_by_ai_account,
        coalesce(max(tool_rules.decides_ai_authored), 0) = 1 as has_agent_evidence,
        coalesce(max(tool_rules.has_assisted_evidence), 0) = 1 as has_assisted_evidence
    from pull_requests
    left join tool_rules
        on pull_requests.pull_request_id = tool_rules.pull_request_id
    group by pull_requests.pull_request_id

),

classified as (

    select
        pull_requests.pull_request_id,
        pull_requests.author_login,
        pull_requests.author_type,
        pull_requests.payload,
        rule_results.opened_by_ai_account,
        coalesce(commit_shares.commit_count, 0) as commit_count,
        coalesce(commit_shares.non_merge_commit_count, 0) as non_merge_commit_count,
        coalesce(commit_shares.agent_commit_count, 0) as agent_commit_count,
        coalesce(commit_shares.agent_commit_share_met, false) as agent_commit_share_met,
        case
            when rule_results.opened_by_automation
                or (
                    coalesce(commit_shares.commit_count, 0) > 0
                    and commit_shares.automation_commit_count = commit_shares.commit_count
                )
                then 'automation'
            when rule_results.opened_by_ai_account
                or rule_results.has_agent_evidence
                or coalesce(commit_shares.agent_commit_share_met, false)
                then 'ai_authored'
            -- Below the share, the agent's commits are help with a person's work, like a co-author trailer.
            when rule_results.has_assisted_evidence
                or coalesce(commit_shares.agent_commit_count, 0) > 0
                then 'ai_assisted'
            else 'unmarked'
        end as authorship_class
    from pull_requests
    inner join rule_results
        on pull_requests.pull_request_id = rule_results.pull_request_id
    left join commit_shares
        on pull_requests.pull_request_id = commit_shares.pull_request_id

),

-- The tools behind the class: for ai_authored every agent that decided it and every tool that helped (its
-- trailers or footers, an agent's commits); for ai_assisted the tools that helped; none otherwise. A lone
-- likely signal (a branch name) is left out.
deciding_tools as (

    select
        classified.pull_request_id,
        tool_rules.tool
    from classified
    inner join tool_rules
        on classified.pull_request_id = tool_rules.pull_request_id
    where (
            classified.authorship_class = 'ai_authored'
            and (
                tool_rules.decides_ai_authored = 1
                or tool_rules.has_assisted_evidence = 1
                or tool_rules.has_agent_commits = 1
            )
        )
        or (
            classified.authorship_class = 'ai_assisted'
            and (tool_rules.has_assisted_evidence = 1 or tool_rules.has_agent_commits = 1)
        )

),

tool_lists as (

    select
        pull_request_id,
        {{ sorted_distinct_list('tool') }} as ai_tools
    from deciding_tools
    group by pull_request_id

),

-- The strongest evidence for the class: certain before likely, then where it was found (the account that
-- opened the pull request speaks loudest), then the signal id, so the choice is stable. An agent's commits
-- support ai_authored only where they decided it (the share, the agent's own pull request or branch); below
-- the share they support ai_assisted.
supporting_evidence as (

    select
        classified.pull_request_id,
        deciding_evidence.signal,
        deciding_evidence.tool,
        deciding_evidence.strength,
        deciding_evidence.where_found,
        row_number() over (
            partition by classified.pull_request_id
            order by
                case deciding_evidence.strength when 'certain' then 1 else 2 end,
                case deciding_evidence.where_found
                    when 'pull_request_author' then 1
                    when 'commit_author' then 2
                    when 'commit_trailer' then 3
                    when 'pull_request_body' then 4
                    when 'commit_message' then 5
                    when 'head_branch' then 6
                    else 7
                end,
                deciding_evidence.signal
        ) as evidence_rank
    from classified
    inner join deciding_evidence
        on classified.pull_request_id = deciding_evidence.pull_request_id
    inner join tool_rules
        on deciding_evidence.pull_request_id = tool_rules.pull_request_id
        and deciding_evidence.tool = tool_rules.tool
    where (classified.authorship_class = 'automation' and deciding_evidence.authorship = 'automation')
        or (
            classified.authorship_class = 'ai_authored'
            and (
                (
                    deciding_evidence.authorship = 'ai_authored'
                    and (
                        deciding_evidence.where_found <> 'commit_author'
                        or classified.agent_commit_share_met
                        or tool_rules.decides_ai_authored = 1
                    )
                )
                or (
                    deciding_evidence.where_found = 'pull_request_author'
                    and deciding_evidence.kind = 'ai_reviewer_login'
                )
            )
        )
        or (
            classified.authorship_class = 'ai_assisted'
            and (
                deciding_evidence.authorship = 'ai_assisted'
                or (
                    deciding_evidence.where_found = 'commit_author'
                    and deciding_evidence.authorship = 'ai_authored'
                    and tool_rules.has_agent_commits = 1
                )
            )
        )

),

strongest as (

    select * from supporting_evidence
    where evidence_rank = 1

),

flags as (

    select
        pull_request_id,
        count(*) as evidence_count,
        max(case
            when authorship = 'ai_reviewed' and where_found in ('review', 'pull_request_body') and strength <> 'weak'
                then 1
            else 0
        end) = 1 as ai_reviewed,
        max(case when authorship = 'ai_review_suggestion' then 1 else 0 end) = 1 as has_ai_review_suggestion,
        max(case
            when authorship in ('ai_authored', 'ai_assisted', 'ai_review_suggestion') then 1
            else 0
        end) = 1 as has_ai_signal
    from evidence
    group by pull_request_id

),

-- ---------------------------------------------------------------------------------------------------------
-- The human who asked the agent: the opener when a person opened it, else the co-author the agent credits
-- on its commits (the Copilot agent credits its requester), else whoever marked it ready for review.
-- ---------------------------------------------------------------------------------------------------------

agent_account_names as (

    select distinct {{ login_name_key('pattern') }} as login_name
    from signals
    where kind in ('agent_login', 'ai_reviewer_login', 'automation_login')

),

-- People's git e-mails, as GitHub matched them to logins on other commits.
email_logins as (

    select
        lower(author_email) as email,
        min(author_login) as login
    from commits
    where author_login is not null and author_email is not null
    group by lower(author_email)

),

agent_commit_coauthors as (

    select
        classified_commits.pull_request_id,
        coalesce(trailers.trailer_login, email_logins.login) as login,
        classified_commits.authored_at
    from classified_commits
    inner join trailers
        on classified_commits.commit_oid = trailers.commit_oid
    left join email_logins
        on trailers.trailer_email = email_logins.email
    left join evidence as trailer_evidence
        on trailer_evidence.pull_request_id = classified_commits.pull_request_id
        and trailer_evidence.where_found = 'commit_trailer'
        and trailer_evidence.found_in = trailers.commit_oid
        and trailer_evidence.matched_text = trailers.trailer_text
    where classified_commits.is_agent_authored
        and trailers.trailer_key = 'co-authored-by'
        and trailer_evidence.evidence_id is null

),

coauthor_candidates as (

    select
        pull_request_id,
        login,
        count(*) as commits_credited,
        min(authored_at) as first_credited_at
    from agent_commit_coauthors
    where login is not null
        and lower(login) not like '%[bot]'
        and {{ login_name_key('login') }} not in (select login_name from agent_account_names)
    group by pull_request_id, login

),

top_coauthor as (

    select
        pull_request_id,
        login,
        row_number() over (
            partition by pull_request_id
            order by commits_credited desc, first_credited_at, login
        ) as coauthor_rank
    from coauthor_candidates

),

ready_events as (

    select
        pull_request_id,
        {{ json_text('event', 'actor.login') }} as actor_login,
        {{ json_text('event', 'actor.__typename') }} as actor_type,
        {{ json_text('event', 'createdAt') }} as created_at_text
    from (
        select
            pull_request_id,
            {{ unnest_json_array('payload', 'timelineItems.nodes') }} as event
        from classified
        where authorship_class = 'ai_authored'
    ) as timeline
    where {{ json_text('event', '__typename') }} = 'ReadyForReviewEvent'

),

last_ready_actor as (

    select
        pull_request_id,
        actor_login,
        row_number() over (partition by pull_request_id order by created_at_text desc) as ready_rank
    from ready_events
    where actor_login is not null
        and not {{ login_is_bot('actor_login', 'actor_type') }}
        and {{ login_name_key('actor_login') }} not in (select login_name from agent_account_names)

),

initiators as (

    select
        classified.pull_request_id,
        case
            when classified.authorship_class <> 'ai_authored' then null
            when not classified.opened_by_ai_account
                and classified.author_login is not null
                and not {{ login_is_bot('classified.author_login', 'classified.author_type') }}
                then classified.author_login
            else coalesce(top_coauthor.login, last_ready_actor.actor_login)
        end as initiated_by,
        case
            when classified.authorship_class <> 'ai_authored' then null
            when not classified.opened_by_ai_account
                and classified.author_login is not null
                and not {{ login_is_bot('classified.author_login', 'classified.author_type') }}
                then 'pull_request_author'
            when top_coauthor.login is not null then 'agent_commit_coauthor'
            when last_ready_actor.actor_login is not null then 'ready_for_review_actor'
        end as initiated_by_method
    from classified
    left join top_coauthor
        on classified.pull_request_id = top_coauthor.pull_request_id
        and top_coauthor.coauthor_rank = 1
    left join last_ready_actor
        on classified.pull_request_id = last_ready_actor.pull_request_id
        and last_ready_actor.ready_rank = 1

),

final as (

    select
        classified.pull_request_id,
        {{ actor_key('classified.author_login', 'classified.author_type') }} as author_key,
        classified.authorship_class,
        classified.opened_by_ai_account,
        coalesce(flags.ai_reviewed, false) as ai_reviewed,
        coalesce(flags.has_ai_review_suggestion, false) as has_ai_review_suggestion,
        coalesce(flags.has_ai_signal, false) as has_ai_signal,
        coalesce(tool_lists.ai_tools, {{ empty_text_list() }}) as ai_tools,
        {{ joined_list('tool_lists.ai_tools') }} as ai_tools_text,
        case when classified.authorship_class in ('ai_authored', 'ai_assisted') then strongest.tool end
            as primary_ai_tool,
        strongest.signal as strongest_evidence,
        strongest.where_found as strongest_evidence_where,
        strongest.strength as confidence,
        cast(coalesce(flags.evidence_count, 0) as integer) as evidence_count,
        initiators.initiated_by,
        initiators.initiated_by_method,
        cast(classified.commit_count as integer) as commit_count,
        cast(classified.non_merge_commit_count as integer) as non_merge_commit_count,
        cast(classified.agent_commit_count as integer) as agent_commit_count
    from classified
    left join flags
        on classified.pull_request_id = flags.pull_request_id
    left join tool_lists
        on classified.pull_request_id = tool_lists.pull_request_id
    left join strongest
        on classified.pull_request_id = strongest.pull_request_id
    left join initiators
        on classified.pull_request_id = initiators.pull_request_id

)

select * from final
