
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tokn' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tokn'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tokn' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ~/.config/tokn/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The token endpoint')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'The token endpoint')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'The client ID')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'The client ID')
            [CompletionResult]::new('--client-secret', '--client-secret', [CompletionResultType]::ParameterName, 'The client secret (others can see it in ps: prefer the env, a file or the prompt)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from a file (''-'' for standard input)')
            [CompletionResult]::new('--client-secret-cmd', '--client-secret-cmd', [CompletionResultType]::ParameterName, 'Run a command and use its output as the client secret')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A scope to ask for; repeatable')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'A scope to ask for; repeatable')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'An extra form field, such as audience=… or resource=…; repeatable')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'An extra form field, such as audience=… or resource=…; repeatable')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra header on the token request; repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra header on the token request; repeatable')
            [CompletionResult]::new('--grant-type', '--grant-type', [CompletionResultType]::ParameterName, 'The grant type [default: client_credentials]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How the client authenticates [default: auto]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'What to print on standard output [default: raw]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to print on standard output [default: raw]')
            [CompletionResult]::new('--header-name', '--header-name', [CompletionResultType]::ParameterName, 'The header name of the header and curl formats [default: Authorization]')
            [CompletionResult]::new('--header-pattern', '--header-pattern', [CompletionResultType]::ParameterName, 'The header value of the header and curl formats [default: ''Bearer {access_token}'']')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds the whole run may take [default: 30]')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retries on HTTP 429, 502, 503, 504 or a reset connection [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificates (PEM) to trust instead of the system''s')
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached token must still be valid to be reused [default: 60]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (prints a warning every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (prints a warning every time)')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Allow a plain http:// token URL to a host that is not loopback')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the token cache for this call')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Fetch a new token even if a cached one is valid, and cache it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Inspect or empty the token cache')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the config file, its profiles, and the settings a fetch would use')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with a token in its environment (TOKN_ACCESS_TOKEN)')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Decode a JWT and print its header and claims as JSON; --verify checks them')
            break
        }
        'tokn;cache' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ~/.config/tokn/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Print one line per cached token: token URL, client ID, scopes, remaining lifetime')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove every cached token')
            break
        }
        'tokn;cache;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ~/.config/tokn/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tokn;cache;clear' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ~/.config/tokn/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tokn;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ~/.config/tokn/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Print the profile names, one a line, sorted')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the settings a fetch would use, each with where it came from')
            break
        }
        'tokn;config;path' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ~/.config/tokn/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tokn;config;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ~/.config/tokn/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tokn;config;show' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The token endpoint')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'The token endpoint')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'The client ID')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'The client ID')
            [CompletionResult]::new('--client-secret', '--client-secret', [CompletionResultType]::ParameterName, 'The client secret (others can see it in ps: prefer the env, a file or the prompt)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from a file (''-'' for standard input)')
            [CompletionResult]::new('--client-secret-cmd', '--client-secret-cmd', [CompletionResultType]::ParameterName, 'Run a command and use its output as the client secret')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A scope to ask for; repeatable')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'A scope to ask for; repeatable')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'An extra form field, such as audience=… or resource=…; repeatable')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'An extra form field, such as audience=… or resource=…; repeatable')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra header on the token request; repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra header on the token request; repeatable')
            [CompletionResult]::new('--grant-type', '--grant-type', [CompletionResultType]::ParameterName, 'The grant type [default: client_credentials]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How the client authenticates [default: auto]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'What to print on standard output [default: raw]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to print on standard output [default: raw]')
            [CompletionResult]::new('--header-name', '--header-name', [CompletionResultType]::ParameterName, 'The header name of the header and curl formats [default: Authorization]')
            [CompletionResult]::new('--header-pattern', '--header-pattern', [CompletionResultType]::ParameterName, 'The header value of the header and curl formats [default: ''Bearer {access_token}'']')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds the whole run may take [default: 30]')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retries on HTTP 429, 502, 503, 504 or a reset connection [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificates (PEM) to trust instead of the system''s')
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached token must still be valid to be reused [default: 60]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ~/.config/tokn/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (prints a warning every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (prints a warning every time)')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Allow a plain http:// token URL to a host that is not loopback')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the token cache for this call')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Fetch a new token even if a cached one is valid, and cache it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tokn;exec' {
            [CompletionResult]::new('--env-var', '--env-var', [CompletionResultType]::ParameterName, 'The environment variable that carries the token to the command')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The token endpoint')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'The token endpoint')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'The client ID')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'The client ID')
            [CompletionResult]::new('--client-secret', '--client-secret', [CompletionResultType]::ParameterName, 'The client secret (others can see it in ps: prefer the env, a file or the prompt)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from a file (''-'' for standard input)')
            [CompletionResult]::new('--client-secret-cmd', '--client-secret-cmd', [CompletionResultType]::ParameterName, 'Run a command and use its output as the client secret')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A scope to ask for; repeatable')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'A scope to ask for; repeatable')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'An extra form field, such as audience=… or resource=…; repeatable')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'An extra form field, such as audience=… or resource=…; repeatable')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra header on the token request; repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra header on the token request; repeatable')
            [CompletionResult]::new('--grant-type', '--grant-type', [CompletionResultType]::ParameterName, 'The grant type [default: client_credentials]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How the client authenticates [default: auto]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'What to print on standard output [default: raw]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to print on standard output [default: raw]')
            [CompletionResult]::new('--header-name', '--header-name', [CompletionResultType]::ParameterName, 'The header name of the header and curl formats [default: Authorization]')
            [CompletionResult]::new('--header-pattern', '--header-pattern', [CompletionResultType]::ParameterName, 'The header value of the header and curl formats [default: ''Bearer {access_token}'']')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds the whole run may take [default: 30]')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retries on HTTP 429, 502, 503, 504 or a reset connection [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificates (PEM) to trust instead of the system''s')
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached token must still be valid to be reused [default: 60]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ~/.config/tokn/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (prints a warning every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (prints a warning every time)')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Allow a plain http:// token URL to a host that is not loopback')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the token cache for this call')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Fetch a new token even if a cached one is valid, and cache it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tokn;inspect' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The token endpoint')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'The token endpoint')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'The client ID')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'The client ID')
            [CompletionResult]::new('--client-secret', '--client-secret', [CompletionResultType]::ParameterName, 'The client secret (others can see it in ps: prefer the env, a file or the prompt)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'Read the client secret from a file (''-'' for standard input)')
            [CompletionResult]::new('--client-secret-cmd', '--client-secret-cmd', [CompletionResultType]::ParameterName, 'Run a command and use its output as the client secret')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A scope to ask for; repeatable')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'A scope to ask for; repeatable')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'An extra form field, such as audience=… or resource=…; repeatable')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'An extra form field, such as audience=… or resource=…; repeatable')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra header on the token request; repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra header on the token request; repeatable')
            [CompletionResult]::new('--grant-type', '--grant-type', [CompletionResultType]::ParameterName, 'The grant type [default: client_credentials]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How the client authenticates [default: auto]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'What to print on standard output [default: raw]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to print on standard output [default: raw]')
            [CompletionResult]::new('--header-name', '--header-name', [CompletionResultType]::ParameterName, 'The header name of the header and curl formats [default: Authorization]')
            [CompletionResult]::new('--header-pattern', '--header-pattern', [CompletionResultType]::ParameterName, 'The header value of the header and curl formats [default: ''Bearer {access_token}'']')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds the whole run may take [default: 30]')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retries on HTTP 429, 502, 503, 504 or a reset connection [default: 2]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificates (PEM) to trust instead of the system''s')
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'Seconds a cached token must still be valid to be reused [default: 60]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ~/.config/tokn/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile of the config file to use [default: the profile named default]')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check the signature with the issuer''s keys (--issuer), and iss, exp and nbf')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (prints a warning every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (prints a warning every time)')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Allow a plain http:// token URL to a host that is not loopback')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the token cache for this call')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Fetch a new token even if a cached one is valid, and cache it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the request and the response to stderr, secrets redacted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No warnings on stderr (errors still print)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
