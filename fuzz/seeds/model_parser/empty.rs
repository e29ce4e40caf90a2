struct A;
