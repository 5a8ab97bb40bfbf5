
use builtin;
use str;

set edit:completion:arg-completer[tokn] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'tokn'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'tokn'= {
            cand --config 'The config file [default: ~/.config/tokn/config.toml]'
            cand -p 'The profile of the config file to use [default: the profile named default]'
            cand --profile 'The profile of the config file to use [default: the profile named default]'
            cand -u 'The token endpoint'
            cand --token-url 'The token endpoint'
            cand -i 'The client ID'
            cand --client-id 'The client ID'
            cand --client-secret 'The client secret (others can see it in ps: prefer the env, a file or the prompt)'
            cand --client-secret-file 'Read the client secret from a file (''-'' for standard input)'
            cand --client-secret-cmd 'Run a command and use its output as the client secret'
            cand -s 'A scope to ask for; repeatable'
            cand --scope 'A scope to ask for; repeatable'
            cand -d 'An extra form field, such as audience=… or resource=…; repeatable'
            cand --data 'An extra form field, such as audience=… or resource=…; repeatable'
            cand -H 'An extra header on the token request; repeatable'
            cand --header 'An extra header on the token request; repeatable'
            cand --grant-type 'The grant type [default: client_credentials]'
            cand --auth 'How the client authenticates [default: auto]'
            cand -f 'What to print on standard output [default: raw]'
            cand --format 'What to print on standard output [default: raw]'
            cand --header-name 'The header name of the header and curl formats [default: Authorization]'
            cand --header-pattern 'The header value of the header and curl formats [default: ''Bearer {access_token}'']'
            cand --timeout 'Seconds the whole run may take [default: 30]'
            cand --retry 'Retries on HTTP 429, 502, 503, 504 or a reset connection [default: 2]'
            cand --cacert 'CA certificates (PEM) to trust instead of the system''s'
            cand --min-ttl 'Seconds a cached token must still be valid to be reused [default: 60]'
            cand -v 'Print the request and the response to stderr, secrets redacted'
            cand --verbose 'Print the request and the response to stderr, secrets redacted'
            cand -q 'No warnings on stderr (errors still print)'
            cand --quiet 'No warnings on stderr (errors still print)'
            cand -k 'Skip TLS certificate verification (prints a warning every time)'
            cand --insecure 'Skip TLS certificate verification (prints a warning every time)'
            cand --allow-http 'Allow a plain http:// token URL to a host that is not loopback'
            cand --no-cache 'Neither read nor write the token cache for this call'
            cand --refresh 'Fetch a new token even if a cached one is valid, and cache it'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand cache 'Inspect or empty the token cache'
            cand config 'Show the config file, its profiles, and the settings a fetch would use'
        }
        &'tokn;cache'= {
            cand --config 'The config file [default: ~/.config/tokn/config.toml]'
            cand -p 'The profile of the config file to use [default: the profile named default]'
            cand --profile 'The profile of the config file to use [default: the profile named default]'
            cand -v 'Print the request and the response to stderr, secrets redacted'
            cand --verbose 'Print the request and the response to stderr, secrets redacted'
            cand -q 'No warnings on stderr (errors still print)'
            cand --quiet 'No warnings on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand list 'Print one line per cached token: token URL, client ID, scopes, remaining lifetime'
            cand clear 'Remove every cached token'
        }
        &'tokn;cache;list'= {
            cand --config 'The config file [default: ~/.config/tokn/config.toml]'
            cand -p 'The profile of the config file to use [default: the profile named default]'
            cand --profile 'The profile of the config file to use [default: the profile named default]'
            cand -v 'Print the request and the response to stderr, secrets redacted'
            cand --verbose 'Print the request and the response to stderr, secrets redacted'
            cand -q 'No warnings on stderr (errors still print)'
            cand --quiet 'No warnings on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tokn;cache;clear'= {
            cand --config 'The config file [default: ~/.config/tokn/config.toml]'
            cand -p 'The profile of the config file to use [default: the profile named default]'
            cand --profile 'The profile of the config file to use [default: the profile named default]'
            cand -v 'Print the request and the response to stderr, secrets redacted'
            cand --verbose 'Print the request and the response to stderr, secrets redacted'
            cand -q 'No warnings on stderr (errors still print)'
            cand --quiet 'No warnings on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tokn;config'= {
            cand --config 'The config file [default: ~/.config/tokn/config.toml]'
            cand -p 'The profile of the config file to use [default: the profile named default]'
            cand --profile 'The profile of the config file to use [default: the profile named default]'
            cand -v 'Print the request and the response to stderr, secrets redacted'
            cand --verbose 'Print the request and the response to stderr, secrets redacted'
            cand -q 'No warnings on stderr (errors still print)'
            cand --quiet 'No warnings on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand path 'Print the config file''s path'
            cand list 'Print the profile names, one a line, sorted'
            cand show 'Print the settings a fetch would use, each with where it came from'
        }
        &'tokn;config;path'= {
            cand --config 'The config file [default: ~/.config/tokn/config.toml]'
            cand -p 'The profile of the config file to use [default: the profile named default]'
            cand --profile 'The profile of the config file to use [default: the profile named default]'
            cand -v 'Print the request and the response to stderr, secrets redacted'
            cand --verbose 'Print the request and the response to stderr, secrets redacted'
            cand -q 'No warnings on stderr (errors still print)'
            cand --quiet 'No warnings on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tokn;config;list'= {
            cand --config 'The config file [default: ~/.config/tokn/config.toml]'
            cand -p 'The profile of the config file to use [default: the profile named default]'
            cand --profile 'The profile of the config file to use [default: the profile named default]'
            cand -v 'Print the request and the response to stderr, secrets redacted'
            cand --verbose 'Print the request and the response to stderr, secrets redacted'
            cand -q 'No warnings on stderr (errors still print)'
            cand --quiet 'No warnings on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tokn;config;show'= {
            cand -u 'The token endpoint'
            cand --token-url 'The token endpoint'
            cand -i 'The client ID'
            cand --client-id 'The client ID'
            cand --client-secret 'The client secret (others can see it in ps: prefer the env, a file or the prompt)'
            cand --client-secret-file 'Read the client secret from a file (''-'' for standard input)'
            cand --client-secret-cmd 'Run a command and use its output as the client secret'
            cand -s 'A scope to ask for; repeatable'
            cand --scope 'A scope to ask for; repeatable'
            cand -d 'An extra form field, such as audience=… or resource=…; repeatable'
            cand --data 'An extra form field, such as audience=… or resource=…; repeatable'
            cand -H 'An extra header on the token request; repeatable'
            cand --header 'An extra header on the token request; repeatable'
            cand --grant-type 'The grant type [default: client_credentials]'
            cand --auth 'How the client authenticates [default: auto]'
            cand -f 'What to print on standard output [default: raw]'
            cand --format 'What to print on standard output [default: raw]'
            cand --header-name 'The header name of the header and curl formats [default: Authorization]'
            cand --header-pattern 'The header value of the header and curl formats [default: ''Bearer {access_token}'']'
            cand --timeout 'Seconds the whole run may take [default: 30]'
            cand --retry 'Retries on HTTP 429, 502, 503, 504 or a reset connection [default: 2]'
            cand --cacert 'CA certificates (PEM) to trust instead of the system''s'
            cand --min-ttl 'Seconds a cached token must still be valid to be reused [default: 60]'
            cand --config 'The config file [default: ~/.config/tokn/config.toml]'
            cand -p 'The profile of the config file to use [default: the profile named default]'
            cand --profile 'The profile of the config file to use [default: the profile named default]'
            cand -k 'Skip TLS certificate verification (prints a warning every time)'
            cand --insecure 'Skip TLS certificate verification (prints a warning every time)'
            cand --allow-http 'Allow a plain http:// token URL to a host that is not loopback'
            cand --no-cache 'Neither read nor write the token cache for this call'
            cand --refresh 'Fetch a new token even if a cached one is valid, and cache it'
            cand -v 'Print the request and the response to stderr, secrets redacted'
            cand --verbose 'Print the request and the response to stderr, secrets redacted'
            cand -q 'No warnings on stderr (errors still print)'
            cand --quiet 'No warnings on stderr (errors still print)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
    ]
    $completions[$command]
}
