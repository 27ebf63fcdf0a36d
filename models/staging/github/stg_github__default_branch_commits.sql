with source as (

    select * from {{ lake_source('github', 'default_branch_commits') }}

),

latest as (

    {{ latest_extraction('source', ['repository', 'commit_oid']) }}

),

renamed as (

    select
        {{ surrogate_key(['repository', 'commit_oid']) }} as default_branch_commit_id,
        cast(repository as varchar) as repository,
        cast(commit_oid as varchar) as commit_oid,
        cast(branch as varchar) as branch,
        {{ json_text('payload', 'message') }} as message,
        {{ utc_timestamp(json_text('payload', 'authoredDate')) }} as authored_at,
        {{ utc_timestamp(json_text('payload', 'committedDate')) }} as committed_at,
        {{ json_text('payload', 'author.name') }} as author_name,
        {{ json_text('payload', 'author.email') }} as author_email,
        {{ json_text('payload', 'author.user.login') }} as author_login,
        {{ json_text('payload', 'committer.name') }} as committer_name,
        {{ json_text('payload', 'committer.email') }} as committer_email,
        cast({{ json_text('payload', 'parents.totalCount') }} as integer) as parent_count,
        -- Git lists a merge's first parent first: the branch it was merged into.
        {{ json_text('payload', 'parents.nodes[0].oid') }} as first_parent_oid,
        {{ json_text('payload', 'parents.nodes[1].oid') }} as second_parent_oid,
        {{ json_text('payload', 'associatedPullRequests.nodes[0].id') }} as associated_pull_request_id,
        cast({{ json_text('payload', 'associatedPullRequests.nodes[0].number') }} as integer) as associated_pull_request_number,
        cast(_extracted_at as timestamp) as extracted_at,
        cast(_run_id as varchar) as run_id
    from latest

)

select * from renamed
