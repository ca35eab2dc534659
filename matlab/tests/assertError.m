function assertError(fn, identifier)
%ASSERTERROR  Assert that calling FN raises an error with IDENTIFIER.
%   assertError(FN, IDENTIFIER) calls the function handle FN and fails
%   unless it raises an error whose identifier is IDENTIFIER.
%
%   Example:
%       assertError(@() gtconvert.exportStruct(42, 'x.mat'), 'gtconvert:exportStruct:notStruct')
try
    fn();
catch err
    assert(strcmp(err.identifier, identifier), 'expected error %s, got %s: %s', ...
        identifier, err.identifier, err.message);
    return
end
error('tests:noError', 'expected error %s, got none', identifier);
end
