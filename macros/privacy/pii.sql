{#-
    Personal data in free text (README, "Privacy"). Staging masks it before anything reaches a mart; the
    no_pii_in_text_columns test checks that nothing that looks like it reached one. One list of patterns
    serves both, so the test looks for exactly what staging removes.

    Patterns are PostgreSQL regular expressions (ARE), matched case-insensitively. They are heuristics,
    tuned not to fire on ids, dates, versions and amounts:
      email  local@domain.tld
      ipv4   four dot-separated numbers 0-255 (a version like 1.2.3 has three)
      ipv6   eight colon-separated hex groups, or a compressed form with '::'
      phone  an international number (+ country code, then 6 or more digits in 3 to 5 groups), or a
             North American one: 3-3-4 digits with separators, optionally in the form (415) 555-0100
-#}
{%- macro pii_patterns() -%}
    {{ return({
        'email': '[a-z0-9._%+-]+@[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{2,}',
        'ipv4': '\\m(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}\\M',
        'ipv6': '\\m([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\\M|\\m([0-9a-f]{1,4}:){1,6}:([0-9a-f]{1,4}(:[0-9a-f]{1,4}){0,5})?\\M',
        'phone': '\\+[1-9][0-9]{0,2}[ .-]?(\\([0-9]{1,4}\\)[ .-]?)?[0-9]{2,4}([ .-]?[0-9]{2,4}){2,4}\\M|(\\m|\\()[0-9]{3}\\)?[ .-][0-9]{3}[ .-][0-9]{4}\\M',
    }) }}
{%- endmacro -%}

{#- `expression` with every match of every pattern replaced by [email], [ipv4], [ipv6] or [phone]. -#}
{%- macro scrub_pii(expression) -%}
    {%- set ns = namespace(sql=expression) -%}
    {%- for kind, pattern in pii_patterns().items() -%}
        {%- set ns.sql = regexp_replace_all_ci(ns.sql, pattern, '[' ~ kind ~ ']') -%}
    {%- endfor -%}
    {{- ns.sql -}}
{%- endmacro -%}

{#- True when `expression` holds something that looks like personal data. -#}
{%- macro has_pii(expression) -%}
    ({% for kind, pattern in pii_patterns().items() -%}
        {{ regexp_matches_ci(expression, pattern) }}{{ ' or ' if not loop.last }}
    {%- endfor %})
{%- endmacro -%}


{#- Regular expressions per engine. Patterns are written once, for PostgreSQL (ARE); other engines (Java regular
    expressions, as on Spark) get them translated: word boundaries \m and \M become \b, case-insensitivity is the
    (?i) flag, and backslashes are doubled for the engine's string literals. -#}
{%- macro regex_literal(pattern) -%}
    {{- return(adapter.dispatch('regex_literal', 'tenant_analytics')(pattern)) -}}
{%- endmacro -%}

{%- macro postgres__regex_literal(pattern) -%}
    {{- return("'" ~ pattern ~ "'") -}}
{%- endmacro -%}

{%- macro default__regex_literal(pattern) -%}
    {%- set java = '(?i)' ~ pattern | replace('\\m', '\\b') | replace('\\M', '\\b') -%}
    {{- return("'" ~ java | replace('\\', '\\\\') ~ "'") -}}
{%- endmacro -%}

{#- expression with every case-insensitive match of pattern replaced by replacement (a plain text). -#}
{%- macro regexp_replace_all_ci(expression, pattern, replacement) -%}
    {{- return(adapter.dispatch('regexp_replace_all_ci', 'tenant_analytics')(expression, pattern, replacement)) -}}
{%- endmacro -%}

{%- macro postgres__regexp_replace_all_ci(expression, pattern, replacement) -%}
    {{- return("regexp_replace(" ~ expression ~ ", " ~ regex_literal(pattern) ~ ", '" ~ replacement ~ "', 'gi')") -}}
{%- endmacro -%}

{%- macro default__regexp_replace_all_ci(expression, pattern, replacement) -%}
    {{- return("regexp_replace(" ~ expression ~ ", " ~ regex_literal(pattern) ~ ", '" ~ replacement ~ "')") -}}
{%- endmacro -%}

{#- True when expression holds a case-insensitive match of pattern. -#}
{%- macro regexp_matches_ci(expression, pattern) -%}
    {{- return(adapter.dispatch('regexp_matches_ci', 'tenant_analytics')(expression, pattern)) -}}
{%- endmacro -%}

{%- macro postgres__regexp_matches_ci(expression, pattern) -%}
    {{- return("(" ~ expression ~ " ~* " ~ regex_literal(pattern) ~ ")") -}}
{%- endmacro -%}

{%- macro default__regexp_matches_ci(expression, pattern) -%}
    {{- return("(" ~ expression ~ " rlike " ~ regex_literal(pattern) ~ ")") -}}
{%- endmacro -%}
