function assertError(fn, identifier)
%ASSERTERROR  Assert that calling FN raises an error with IDENTIFIER.
try
    fn();
catch err
    assert(strcmp(err.identifier, identifier), 'expected error %s, got %s: %s', ...
        identifier, err.identifier, err.message);
    return
end
error('tests:noError', 'expected error %s, got none', identifier);
end
