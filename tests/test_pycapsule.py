"""kernels.pycapsule: CPython's capsule functions through ctypes, for looking inside."""

import ctypes
import subprocess
import sys
import textwrap

import pytest
from scipy import LowLevelCallable

from kernels import capsules, gaussian
from kernels.pycapsule import (
    capsule_context,
    capsule_has_destructor,
    capsule_is_valid,
    capsule_name,
    capsule_pointer,
    new_capsule,
)

SIGNATURE = "double (double, void *)"
NAME = b"tests.pycapsule"  # outlives every capsule named with it


def test_name_of_a_function_capsule_is_its_c_signature():
    assert capsule_name(gaussian.__pyx_capi__["gauss"]) == SIGNATURE


def test_pointer_and_name_of_a_new_capsule_are_what_it_was_given():
    value = ctypes.c_double(2.5)
    address = ctypes.addressof(value)
    capsule = new_capsule(address, NAME)
    assert capsule_name(capsule) == NAME.decode()
    assert capsule_pointer(capsule) == address
    assert capsule_pointer(capsule, NAME) == address
    assert capsule_pointer(capsule, NAME.decode()) == address


def test_a_capsule_without_a_name():
    capsule = new_capsule(ctypes.addressof(ctypes.c_double(1.0)), None)
    assert capsule_name(capsule) is None
    assert capsule_pointer(capsule) == capsule_pointer(capsule, None)


def test_the_pointer_of_a_user_data_capsule_is_its_double():
    user_data = capsules.double_capsule(3.25)
    address = capsule_pointer(user_data)
    assert ctypes.c_double.from_address(address).value == 3.25


def test_context_is_none_unless_set_and_scipy_sets_it_to_user_data():
    assert capsule_context(gaussian.__pyx_capi__["gauss"]) is None
    llc = LowLevelCallable.from_cython(gaussian, "gauss", capsules.double_capsule(1.0))
    raw = tuple.__getitem__(llc, 0)  # the capsule SciPy builds for its C code
    assert capsule_context(raw) == capsule_pointer(llc.user_data)


def test_destructor_only_on_capsules_that_own_something():
    assert capsule_has_destructor(capsules.double_capsule(1.0))
    assert not capsule_has_destructor(gaussian.__pyx_capi__["gauss"])
    assert not capsule_has_destructor(new_capsule(1, NAME))


def test_a_wrong_name_raises_cpythons_value_error_not_a_crash():
    user_data = capsules.double_capsule(1.0)
    with pytest.raises(ValueError, match="PyCapsule_GetPointer called with incorrect"):
        capsule_pointer(user_data, SIGNATURE)
    with pytest.raises(ValueError, match="incorrect name"):
        capsule_pointer(new_capsule(1, None), NAME)  # no name is a name too


def test_is_valid_checks_the_name_and_never_raises():
    user_data = capsules.double_capsule(1.0)
    assert capsule_is_valid(user_data, "kernels.capsules.doubles")
    assert capsule_is_valid(user_data, b"kernels.capsules.doubles")
    assert not capsule_is_valid(user_data, SIGNATURE)
    assert not capsule_is_valid(user_data, None)
    assert not capsule_is_valid(1.0, SIGNATURE)


@pytest.mark.parametrize(
    "function",
    [capsule_name, capsule_pointer, capsule_context, capsule_has_destructor],
)
@pytest.mark.parametrize("thing", [None, 1, b"capsule", object()])
def test_anything_but_a_capsule_raises_type_error(function, thing):
    with pytest.raises(TypeError, match="expected a PyCapsule, got"):
        function(thing)


@pytest.mark.parametrize("name", [1, 1.0, ["x"]])
def test_a_name_that_is_not_str_or_bytes_raises_type_error(name):
    with pytest.raises(TypeError, match="name must be str, bytes or None"):
        capsule_pointer(capsules.double_capsule(1.0), name)


def test_new_capsule_keeps_a_str_name_encoded_for_it():
    # PyCapsule_New keeps a pointer to the name: new_capsule keeps the bytes
    # it encoded, so the name outlives the call (issue 21; the crash tests
    # are in tests/test_crashes.py).
    capsule = new_capsule(1, NAME.decode() + ".str")
    assert capsule_name(capsule) == NAME.decode() + ".str"


def test_new_capsule_refuses_a_name_with_a_nul_byte():
    with pytest.raises(ValueError, match="NUL"):
        new_capsule(1, b"tests\0cut")


def test_new_capsule_refuses_a_null_pointer():
    with pytest.raises(ValueError, match="null pointer"):
        new_capsule(0, NAME)


def test_the_shared_ctypes_pythonapi_functions_are_left_untouched():
    # In a fresh interpreter: using every helper must not set restype or
    # argtypes on ctypes.pythonapi's cached function objects.
    code = textwrap.dedent("""
        import ctypes
        from kernels import capsules, pycapsule
        capsule = capsules.double_capsule(1.0)
        pycapsule.capsule_name(capsule)
        pycapsule.capsule_pointer(capsule)
        pycapsule.capsule_context(capsule)
        pycapsule.capsule_has_destructor(capsule)
        pycapsule.capsule_is_valid(capsule, None)
        pycapsule.new_capsule(1, b"x")
        for name in ("GetName", "GetPointer", "GetContext", "GetDestructor",
                     "IsValid", "New"):
            function = getattr(ctypes.pythonapi, "PyCapsule_" + name)
            print(name, function.restype is ctypes.c_int, function.argtypes)
    """)
    result = subprocess.run(
        [sys.executable, "-P", "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")[:-1]
    assert len(lines) == 6
    assert all(line.endswith(" True None") for line in lines), result.stdout
